package widget_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/web/browsertest"
)

// TestProactiveInChromium drives the proactive messages in real Chromium
// (widget/browsertest/proactive.test.mjs): an administrator sets a
// trigger on the lines page; a visitor on a page it does not match sees
// nothing, on one it matches the widget opens with the message (at 1366
// and 390 px); the visitor answers, the operator is offered a
// conversation that starts with the proactive message, and the
// administrator sees the shows and the answer counted.
func TestProactiveInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	const pw = "operator-password"
	op := browsertest.Users(t, n, n.Root.ID, pw, browsertest.User{Login: "op1", Role: access.Operator},
		browsertest.User{Login: "adm1", Role: access.Administrator})["op1"]
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Вступление в профсоюз", n.Root.ID, inbox.Strict
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	site, setPage := browsertest.Site(t)
	ch, _, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindWidget, Name: "Сайт профсоюза",
		Settings: map[string]string{"allowed_origins": site.URL, "title": "Профсоюз работников образования"}})
	if err != nil {
		t.Fatal(err)
	}
	setPage(fmt.Sprintf(`<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Сайт профсоюза</title>
<style>body{font-family:serif;background:#fdf6e3;margin:2rem}</style></head>
<body><h1>Профсоюз работников образования</h1><p>Как вступить в профсоюз: заявление, взносы, льготы членам профсоюза.</p>
<script src="%s/widget/v1/widget.js" data-channel="%s" async></script></body></html>`, n.Server.URL, ch.ID))

	script, _ := filepath.Abs("browsertest/proactive.test.mjs")
	browsertest.Run(t, browsertest.Script{Name: script, Base: n.Server.URL, Env: []string{"SITE_URL=" + site.URL, "PROFHUB_PASSWORD=" + pw}})

	var shows, answers int
	if err := n.DB.QueryRow(`SELECT shows, answers FROM widget_triggers WHERE channel_id = $1`, ch.ID).Scan(&shows, &answers); err != nil ||
		shows != 2 || answers != 1 {
		t.Errorf("trigger counted %d shows and %d answers (%v), want 2 and 1", shows, answers, err)
	}
	var first, author string
	if err := n.DB.QueryRow(`SELECT m.direction, m.author_id FROM inbox_messages m JOIN inbox_conversations c ON c.id = m.conversation_id
		WHERE c.channel_id = $1 AND m.seq = 1`, ch.ID).Scan(&first, &author); err != nil || first != "out" || author != "" {
		t.Errorf("the conversation's first message: %s %q %v", first, author, err)
	}
}
