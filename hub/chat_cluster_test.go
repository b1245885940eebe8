package hub_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// chatFrame is a frame of the chat socket.
type chatFrame struct {
	Type  string
	Event struct {
		Seq     int64
		Kind    string
		Message struct {
			Num  int64
			Text string
		}
	}
}

// TestChatAcrossNodes: two people connected to different nodes of one
// cluster (shared database and Redis) each get the other's messages,
// every one, in the order they were numbered.
func TestChatAcrossNodes(t *testing.T) {
	s, _ := hubtest.NewSharedStorage(t)
	a := hubtest.StartOn(t, s)
	b := hubtest.StartOn(t, s)
	unit := a.AddUnit(t, "", org.Committee, "Обком")
	a.AddUser(t, "chat.a", access.Operator, unit.ID, "password-cluster")
	pb := a.AddUser(t, "chat.b", access.Operator, unit.ID, "password-cluster")
	login := func(n *hubtest.Node, l string) *hubtest.Browser {
		br := n.NewBrowser(t)
		if resp := br.Login(t, l, "password-cluster"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s = %d", l, resp.StatusCode)
		}
		return br
	}
	onA, onB := login(a, "chat.a"), login(b, "chat.b")
	code, body := onA.Do(t, "POST", "/api/v1/chat/chats", `{"kind":"direct","members":["`+pb.ID+`"]}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	var c struct{ Chat struct{ ID string } }
	_ = json.Unmarshal([]byte(body), &c)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dial := func(br *hubtest.Browser) *websocket.Conn {
		conn, _, err := websocket.Dial(ctx, strings.Replace(br.Base, "http", "ws", 1)+"/api/v1/chat/ws", &websocket.DialOptions{HTTPClient: br.Client})
		if err != nil {
			t.Fatal(err)
		}
		var hello chatFrame
		if err := wsjson.Read(ctx, conn, &hello); err != nil || hello.Type != "hello" {
			t.Fatalf("hello: %+v %v", hello, err)
		}
		return conn
	}
	wsA, wsB := dial(onA), dial(onB)
	defer wsA.CloseNow()
	defer wsB.CloseNow()

	const n = 15
	// Sent one after another (the sockets buffer them): each posting
	// node publishes, the other's relay reads the log in order.
	for i := 1; i <= n; i++ {
		if code, body := onA.Do(t, "POST", "/api/v1/chat/chats/"+c.Chat.ID+"/messages", fmt.Sprintf(`{"text":"с узла A №%d"}`, i)); code != http.StatusCreated {
			t.Fatalf("send %d: %d %s", i, code, body)
		}
	}
	expect := func(conn *websocket.Conn, from string, first int64) {
		t.Helper()
		for i := 1; i <= n; {
			var f chatFrame
			if err := wsjson.Read(ctx, conn, &f); err != nil {
				t.Fatalf("message %d from %s: %v", i, from, err)
			}
			if f.Type != "event" || f.Event.Kind != "message" {
				continue
			}
			want := fmt.Sprintf("с узла %s №%d", from, i)
			if f.Event.Message.Text != want || f.Event.Message.Num != first+int64(i) {
				t.Fatalf("got %q (num %d), want %q (num %d)", f.Event.Message.Text, f.Event.Message.Num, want, first+int64(i))
			}
			i++
		}
	}
	expect(wsB, "A", 0)
	// Sent one after another (the sockets buffer them): each posting
	// node publishes, the other's relay reads the log in order.
	for i := 1; i <= n; i++ {
		if code, body := onB.Do(t, "POST", "/api/v1/chat/chats/"+c.Chat.ID+"/messages", fmt.Sprintf(`{"text":"с узла B №%d"}`, i)); code != http.StatusCreated {
			t.Fatalf("send %d: %d %s", i, code, body)
		}
	}
	// A hears its own messages too (every tab of the sender): skip them.
	for i := 0; i < n; {
		var f chatFrame
		if err := wsjson.Read(ctx, wsA, &f); err != nil {
			t.Fatal(err)
		}
		if f.Type == "event" && f.Event.Kind == "message" && strings.HasPrefix(f.Event.Message.Text, "с узла A") {
			i++
		}
	}
	expect(wsA, "B", n)
}
