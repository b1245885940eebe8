package helpcentre_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/profhub/profhub/helpcentre"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/web/browsertest"
)

// TestHelpCentreInChromium drives the help centre in real Chromium
// (helpcentre/browsertest/help.test.mjs): an administrator writes an
// article on /help/admin (a pasted picture with a script is removed and
// said so); a visitor finds it on /help by another form of its words,
// reads it and answers «Да»; on a site embedding the widget the visitor's
// question brings the article up as a suggestion; an operator inserts its
// title and link into a reply with Ctrl+K. Screenshots at 1366 and 390 px.
func TestHelpCentreInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	const pw = "help-password"
	users := browsertest.Users(t, n, n.Root.ID, pw, browsertest.User{Login: "hadm", Role: access.Administrator},
		browsertest.User{Login: "hop", Role: access.Operator})
	op := users["hop"]

	dues, err := n.Help.CreateCategory(ctx, n.System, "Взносы")
	if err != nil {
		t.Fatal(err)
	}
	legal, err := n.Help.CreateCategory(ctx, n.System, "Юридическая помощь")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []helpcentre.Input{
		{CategoryID: legal.ID, Title: "Бесплатная консультация юриста", Body: "<p>Юрист профсоюза консультирует членов профсоюза бесплатно: запишитесь в чате.</p>"},
		{CategoryID: dues.ID, Title: "Льготы при уплате", Body: "<p>Неработающие пенсионеры освобождены от уплаты взносов решением комитета.</p>"},
	} {
		a.Status = helpcentre.Published
		if _, err := n.Help.SaveArticle(ctx, n.System, "", a); err != nil {
			t.Fatal(err)
		}
	}

	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Горячая линия", n.Root.ID
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	api, token, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindAPI, Name: "API"})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", n.Server.URL+"/hooks/api/"+api.ID+"/messages",
		strings.NewReader(`{"contact":{"id":"m-1","name":"Иванова Ольга"},"message":{"id":"q-1","text":"Сколько платить взносов?"}}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("inbound message: %v %v", resp, err)
	}
	resp.Body.Close()
	var convID string
	if err := n.DB.QueryRow(`SELECT id FROM inbox_conversations WHERE channel_id = $1`, api.ID).Scan(&convID); err != nil {
		t.Fatal(err)
	}
	opScope := access.Scope{UserID: op.ID, UserName: op.FullName, Role: access.Operator, UnitID: n.Root.ID, UnitPath: n.Root.Path, From: "test"}
	if _, err := n.Inbox.Routing.Take(ctx, opScope, convID); err != nil {
		t.Fatal(err)
	}

	site, setPage := browsertest.Site(t)
	ch, _, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindWidget, Name: "Сайт",
		Settings: map[string]string{"allowed_origins": site.URL, "title": "Профсоюз работников образования"}})
	if err != nil {
		t.Fatal(err)
	}
	setPage(fmt.Sprintf(`<!doctype html><html><head><meta charset="utf-8"><title>Сайт профсоюза</title></head>
<body style="font-family:sans-serif;background:#f4f1ea"><h1>Профсоюз работников образования</h1><p>Новости, документы, контакты.</p>
<script src="%s/widget/v1/widget.js" data-channel="%s" async></script></body></html>`, n.Server.URL, ch.ID))

	script, _ := filepath.Abs("browsertest/help.test.mjs")
	browsertest.Run(t, browsertest.Script{Name: script, Base: n.Server.URL,
		Env: []string{"SITE_URL=" + site.URL, "PROFHUB_PASSWORD=" + pw},
		Explain: func() string {
			var out strings.Builder
			rows, _ := n.DB.Query(`SELECT title, status, views, helpful_yes FROM help_articles`)
			for rows != nil && rows.Next() {
				var title, st string
				var v, y int64
				_ = rows.Scan(&title, &st, &v, &y)
				fmt.Fprintf(&out, "article %q %s views %d yes %d\n", title, st, v, y)
			}
			return out.String()
		}})

	var status string
	var views, yes int64
	if err := n.DB.QueryRow(`SELECT status, views, helpful_yes FROM help_articles WHERE title = $1`, "Как уплачиваются членские взносы").
		Scan(&status, &views, &yes); err != nil || status != "published" || views < 1 || yes != 1 {
		t.Errorf("the written article: %s views %d yes %d %v", status, views, yes, err)
	}
	if got := n.Logs.Matching("hostile HTML removed"); len(got) != 1 {
		t.Errorf("the removal logged %d times: %q", len(got), got)
	}
}
