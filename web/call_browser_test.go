package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/chat"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/browsertest"
)

// TestCallInChromium: a video call between two browser contexts with
// fake media devices carries audio and video both ways (the peer
// connections' inbound-rtp bytes), and a declined call leaves a missed
// call in the chat (web/browsertest/call.test.mjs; screenshots call.png,
// call-390.png, call-incoming.png).
func TestCallInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	const pw = "call-password"
	unit := n.AddUnit(t, "", org.Committee, "Профком завода «Металлист»")
	users := browsertest.Users(t, n, unit.ID, pw, browsertest.User{Login: "iv", Role: access.Operator},
		browsertest.User{Login: "pe", Role: access.Chairman})
	names := map[string]string{"iv": "Иванова Мария Петровна", "pe": "Петров Сергей Иванович"}
	for login, name := range names {
		if _, err := n.DB.ExecContext(ctx, `UPDATE users SET full_name = $1 WHERE id = $2`, name, users[login].ID); err != nil {
			t.Fatal(err)
		}
	}
	sc := access.Scope{UserID: users["iv"].ID, UserName: names["iv"], Role: users["iv"].Role, UnitID: unit.ID, UnitPath: unit.Path}
	d, err := n.Chat.Create(ctx, sc, chat.NewChat{Kind: chat.Direct, Members: []string{users["pe"].ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Chat.Send(ctx, sc, d.ID, chat.Post{Text: "Сергей Иванович, созвонимся по колдоговору?"}); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "call.test.mjs", Base: n.Server.URL, Timeout: 4 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=" + pw, "PROFHUB_CHAT=" + d.ID}})
}
