package web_test

import (
	"context"
	"testing"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/web/browsertest"
)

// TestSearchInChromium: an operator finds conversations by a word form
// in the console (web/browsertest/search.test.mjs).
func TestSearchInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	const pw = "operator-password"
	users := browsertest.Users(t, n, n.Root.ID, pw, browsertest.User{Login: "op1", Role: access.Operator})
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Горячая линия", n.Root.ID, inbox.Manual
	l.Operators = []inbox.LineOperator{{UserID: users["op1"].ID}}
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	ch, token, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindAPI, Name: "Сайт",
		Settings: map[string]string{"webhook_url": "http://127.0.0.1:1/unused"}})
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "search.test.mjs", Base: n.Server.URL,
		Env: []string{"PROFHUB_CHANNEL=" + ch.ID, "PROFHUB_CHANNEL_TOKEN=" + token, "PROFHUB_PASSWORD=" + pw}})
}
