package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/testkit/vktest"
	"github.com/profhub/profhub/web/browsertest"
)

// TestCommentConsoleInChromium walks an operator answering comments on the
// union's VK wall post (web/browsertest/comments.test.mjs): in the thread
// on a desktop, privately at 390 px. The fake VK shows one comment, a
// reply to the member's standing comment, and one private message.
func TestCommentConsoleInChromium(t *testing.T) {
	vk := vktest.New(t)
	n := browsertest.Start(t)
	ctx := context.Background()
	op := n.AddUser(t, "operator", access.Operator, n.Root.ID, "operator-password")
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "ВКонтакте", n.Root.ID, inbox.Manual
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	const secret = "cb-secret-comments"
	ch, _, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindVK, Name: "Сообщество профсоюза",
		Settings: map[string]string{"mode": "callback", "confirmation": "c0nf1rm", "api_url": vk.APIURL()},
		Secrets:  map[string]string{"access_token": vktest.DefaultToken, "secret": secret}})
	if err != nil {
		t.Fatal(err)
	}
	gid := vk.GroupID
	vk.SetPost(-gid, 42, "Собрание профкома 12 декабря в 18:00, актовый зал. Повестка: индексация зарплат, путёвки в детский лагерь.")
	for _, ev := range []struct {
		typ string
		obj any
	}{
		{"wall_reply_new", vktest.CommentObject("wall", -gid, 42, 901, 777, "А можно прийти с детьми?")},
		{"wall_reply_new", vktest.CommentObject("wall", -gid, 42, 902, 777, "Глупый вопрос, извините")},
		{"wall_reply_delete", vktest.CommentDeleted("wall", -gid, 42, 902)},
		{"wall_reply_new", vktest.CommentObject("wall", -gid, 42, 903, 778, "А путёвки будут и для внуков?")},
	} {
		resp, err := http.Post(n.Server.URL+"/hooks/vk/"+ch.ID, "application/json", strings.NewReader(vktest.Callback(ev.typ, secret, gid, ev.obj)))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("callback %s: %v %v", ev.typ, resp, err)
		}
		resp.Body.Close()
	}
	browsertest.Run(t, browsertest.Script{Name: "comments.test.mjs", Base: n.Server.URL,
		Env: []string{"PROFHUB_PASSWORD=operator-password", "MEMBER_ONE=Марина Ковалёва-777", "MEMBER_TWO=Марина Ковалёва-778"},
		Explain: func() string {
			s, _ := vk.Snapshot()
			return fmt.Sprintf("comments: %+v\nmessages: %+v", vk.ShownComments(), s)
		}})
	deadline := time.Now().Add(10 * time.Second)
	for len(vk.ShownComments()) < 1 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cs := vk.ShownComments()
	if len(cs) != 1 || cs[0].ReplyTo != 901 || cs[0].ItemID != 42 || !strings.Contains(cs[0].Text, "детская комната") {
		t.Fatalf("comments shown: %+v", cs)
	}
	sends, _ := vk.Snapshot()
	if len(sends) != 1 || sends[0].PeerID != 778 {
		t.Fatalf("private messages: %+v", sends)
	}
}
