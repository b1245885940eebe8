package web_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/profhub/profhub/chat"
	"github.com/profhub/profhub/demo"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/browsertest"
)

// TestChatInChromium: two people in two browser contexts in one group
// chat: a message arrives live; one goes offline, the other writes, and
// when the network returns the message is there exactly once; "@Пет"
// completes to Петров, whose bell count rises; a mention of a colleague
// outside the chat is refused in Russian; an edit and a deletion show as
// such on the other side (web/browsertest/chat.test.mjs; screenshots
// chat.png and chat-390.png).
func TestChatInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	const pw = "chat-password"
	unit := n.AddUnit(t, "", org.Committee, "Профком завода «Металлист»")
	users := browsertest.Users(t, n, unit.ID, pw, browsertest.User{Login: "iv", Role: access.Operator},
		browsertest.User{Login: "pe", Role: access.Chairman}, browsertest.User{Login: "si", Role: access.Operator})
	names := map[string]string{"iv": "Иванова Мария Петровна", "pe": "Петров Сергей Иванович", "si": "Сидоров Олег Ильич"}
	scope := map[string]access.Scope{}
	for login, name := range names {
		if _, err := n.DB.ExecContext(ctx, `UPDATE users SET full_name = $1 WHERE id = $2`, name, users[login].ID); err != nil {
			t.Fatal(err)
		}
		scope[login] = access.Scope{UserID: users[login].ID, UserName: name, Role: users[login].Role, UnitID: unit.ID, UnitPath: unit.Path}
	}
	g, err := n.Chat.Create(ctx, scope["iv"], chat.NewChat{Kind: chat.Group, Title: "Колдоговор 2027", Members: []string{users["pe"].ID}})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct{ who, text string }{
		{"pe", "Мария Петровна, когда будет проект колдоговора?"},
		{"iv", "Сегодня до обеда пришлю, осталось согласовать раздел об оплате труда."},
		{"pe", "Хорошо, жду."},
	} {
		if _, err := n.Chat.Send(ctx, scope[m.who], g.ID, chat.Post{Text: m.text}); err != nil {
			t.Fatal(err)
		}
	}
	browsertest.Run(t, browsertest.Script{Name: "chat.test.mjs", Base: n.Server.URL, Timeout: 4 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=" + pw, "PROFHUB_CHAT=" + g.ID}})
}

// TestChatDemoInChromium opens the demo's chats: the chairman reads the
// vacation order's card by its title and the operator, who may not open
// the order, sees only that it is not available to her; on a phone the
// list and the chat are two screens (web/browsertest/chat-demo.test.mjs;
// screenshots chat-demo.png and chat-demo-phone.png).
func TestChatDemoInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	if err := demo.Fill(ctx, demo.Env{DB: n.DB, Org: n.Org, Inbox: n.Inbox, CRM: n.CRM, Docs: n.Docs, Notify: n.Notify, Chat: n.Chat,
		Out: io.Discard, Params: auth.CheapPasswordParams}); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "chat-demo.test.mjs", Base: n.Server.URL, Timeout: 3 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=" + demo.Password}})
}
