package hub_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/profhub/profhub/chat"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// TestCallAcrossNodes: a call between people on different nodes of one
// cluster rings, is taken, and its offer is relayed, through Redis.
func TestCallAcrossNodes(t *testing.T) {
	s, _ := hubtest.NewSharedStorage(t)
	a := hubtest.StartOn(t, s)
	b := hubtest.StartOn(t, s)
	unit := a.AddUnit(t, "", org.Committee, "Обком")
	pa := a.AddUser(t, "call.a", access.Operator, unit.ID, "password-cluster")
	pb := a.AddUser(t, "call.b", access.Operator, unit.ID, "password-cluster")
	login := func(n *hubtest.Node, l string) *hubtest.Browser {
		br := n.NewBrowser(t)
		if resp := br.Login(t, l, "password-cluster"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s = %d", l, resp.StatusCode)
		}
		return br
	}
	onA, onB := login(a, "call.a"), login(b, "call.b")
	code, body := onA.Do(t, "POST", "/api/v1/chat/chats", `{"kind":"direct","members":["`+pb.ID+`"]}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	var c struct{ Chat struct{ ID string } }
	_ = json.Unmarshal([]byte(body), &c)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	type frame struct {
		Type string
		Call *chat.CallMsg
	}
	dial := func(br *hubtest.Browser) *websocket.Conn {
		conn, _, err := websocket.Dial(ctx, strings.Replace(br.Base, "http", "ws", 1)+"/api/v1/chat/ws", &websocket.DialOptions{HTTPClient: br.Client})
		if err != nil {
			t.Fatal(err)
		}
		var hello frame
		if err := wsjson.Read(ctx, conn, &hello); err != nil || hello.Type != "hello" {
			t.Fatalf("hello: %+v %v", hello, err)
		}
		return conn
	}
	wsA, wsB := dial(onA), dial(onB)
	defer wsA.CloseNow()
	defer wsB.CloseNow()
	sendCall := func(conn *websocket.Conn, m chat.CallMsg) {
		if err := wsjson.Write(ctx, conn, frame{Type: "call", Call: &m}); err != nil {
			t.Fatal(err)
		}
	}
	next := func(conn *websocket.Conn, op string) chat.CallMsg {
		for {
			var f frame
			if err := wsjson.Read(ctx, conn, &f); err != nil {
				t.Fatalf("waiting for %s: %v", op, err)
			}
			if f.Type == "call" && f.Call != nil && f.Call.Op == op {
				return *f.Call
			}
		}
	}
	sendCall(wsA, chat.CallMsg{Op: chat.OpInvite, ChatID: c.Chat.ID, Media: "video"})
	inv := next(wsB, chat.OpInvite)
	if inv.From != pa.ID {
		t.Fatalf("invite on node B: %+v", inv)
	}
	sendCall(wsB, chat.CallMsg{Op: chat.OpAccept, CallID: inv.CallID})
	if j := next(wsA, chat.OpJoined); j.From != pb.ID {
		t.Fatalf("joined on node A: %+v", j)
	}
	sendCall(wsA, chat.CallMsg{Op: chat.OpSignal, CallID: inv.CallID, To: pb.ID, Data: json.RawMessage(`{"sdp":{"type":"offer","sdp":"v=0"}}`)})
	if sig := next(wsB, chat.OpSignal); sig.From != pa.ID || !strings.Contains(string(sig.Data), "offer") {
		t.Fatalf("offer on node B: %+v", sig)
	}
}
