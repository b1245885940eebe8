package widget_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/web/browsertest"
)

// TestWidgetInChromium drives the widget in real Chromium
// (widget/browsertest/widget.test.mjs): a site on another origin embeds
// it, the visitor fills the pre-chat form and writes, an operator answers
// from the console in another browser context; the visitor's connection
// drops, the operator writes twice, and both replies appear once when it
// returns. It runs when PROFHUB_TEST_BROWSER=1, through the shared harness
// in web/browsertest (the script imports its harness.mjs).
func TestWidgetInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	const pw = "operator-password"
	op := browsertest.Users(t, n, n.Root.ID, pw, browsertest.User{Login: "op1", Role: access.Operator},
		browsertest.User{Login: "adm1", Role: access.Administrator})["op1"]
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode, l.AskRating = "Горячая линия", n.Root.ID, inbox.Strict, true
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	site, setPage := browsertest.Site(t)
	ch, _, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindWidget, Name: "Сайт",
		Settings: map[string]string{"allowed_origins": site.URL, "title": "Профсоюз работников образования",
			"greeting": "Здравствуйте! Задайте вопрос юристу профсоюза.", "policy_url": site.URL + "/policy"}})
	if err != nil {
		t.Fatal(err)
	}
	setPage(fmt.Sprintf(`<!doctype html><html><head><meta charset="utf-8"><title>Сайт профсоюза</title>
<style>body{font-family:serif;background:#fdf6e3} button{all:unset} div{color:red !important}</style></head>
<body><h1>Профсоюз работников образования</h1><p>Новости, документы, контакты.</p>
<script src="%s/widget/v1/widget.js" data-channel="%s" async></script></body></html>`, n.Server.URL, ch.ID))
	other := httptest.NewServer(site.Config.Handler) // same page on an origin the channel does not allow
	defer other.Close()

	script, _ := filepath.Abs("browsertest/widget.test.mjs")
	browsertest.Run(t, browsertest.Script{Name: script, Base: n.Server.URL,
		Env: []string{"SITE_URL=" + site.URL, "OTHER_SITE_URL=" + other.URL, "PROFHUB_PASSWORD=" + pw}})
	var in, outN int
	_ = n.DB.QueryRow(`SELECT COUNT(*) FROM inbox_messages WHERE direction = 'in' AND channel_id = $1`, ch.ID).Scan(&in)
	_ = n.DB.QueryRow(`SELECT COUNT(*) FROM inbox_messages WHERE direction = 'out' AND channel_id = $1`, ch.ID).Scan(&outN)
	if in != 1 || outN != 3 {
		t.Errorf("stored %d visitor messages and %d replies, want 1 and 3", in, outN)
	}
	saved, err := n.Inbox.Channels.Get(ctx, ch.ID)
	if err != nil || saved.Settings["limit_sockets_per_ip"] != "500" || saved.Settings["limit_messages_per_second"] != "1.5" {
		t.Errorf("limits set on the lines page: %v %v", saved.Settings, err)
	}
}
