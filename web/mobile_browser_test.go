package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/demo"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/browsertest"
	"github.com/profhub/profhub/workflow"
)

// demoHub starts a hub the demo filled, as `serve --demo` does.
func demoHub(t *testing.T) *hubtest.Node {
	t.Helper()
	n := browsertest.Start(t)
	if err := demo.Fill(context.Background(), demo.Env{DB: n.DB, Org: n.Org, Inbox: n.Inbox, CRM: n.CRM, Docs: n.Docs, Mailing: n.Mailing,
		Notify: n.Notify, Out: io.Discard, Params: auth.CheapPasswordParams}); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestMobileConsoleInChromium: on a 390×844 phone, an operator of the
// demo's hotline is offered a member's message that came in through the
// API channel, opens it, answers with a quick answer and a file, goes
// back to the list and on to the member's card; the page never scrolls
// sideways (web/browsertest/mobile-console.test.mjs). The reply must
// reach the channel's webhook with its attachment.
func TestMobileConsoleInChromium(t *testing.T) {
	n := demoHub(t)
	ctx := context.Background()
	lines, err := n.Inbox.Lines.List(ctx, n.System)
	if err != nil {
		t.Fatal(err)
	}
	var hot string
	for _, l := range lines {
		if l.Name == "Горячая линия федерации" {
			hot = l.ID
		}
	}
	var mu sync.Mutex
	var got []inbox.APIWebhook
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m inbox.APIWebhook
		_ = json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
	}))
	defer sink.Close()
	ch, token, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: hot, Kind: inbox.KindAPI, Name: "Мобильное приложение",
		Settings: map[string]string{"webhook_url": sink.URL}})
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "mobile-console.test.mjs", Base: n.Server.URL, Timeout: 3 * time.Minute,
		Env: []string{"PROFHUB_CHANNEL=" + ch.ID, "PROFHUB_CHANNEL_TOKEN=" + token, "PROFHUB_PASSWORD=" + demo.Password},
		Explain: func() string {
			mu.Lock()
			defer mu.Unlock()
			return fmt.Sprintf("webhook got %+v", got)
		}})
	mu.Lock()
	defer mu.Unlock()
	var reply *inbox.APIWebhook
	for i := range got {
		if strings.HasPrefix(got[i].Text, "Путёвки в санатории") { // the quick answer /путёвки
			reply = &got[i]
		}
	}
	if reply == nil {
		t.Fatalf("the reply typed on the phone never reached the channel's webhook: %+v", got)
	}
	if len(reply.Attachments) != 1 || reply.Attachments[0].Name != "перечень-санаториев.pdf" {
		t.Errorf("the reply's attachment: %+v", reply.Attachments)
	}
}

// TestMobileDocumentsInChromium: on a 390×844 phone, the demo's chairman
// writes a resolution on the labour inspectorate's letter and confirms
// acquaintance with the bonus regulation the secretary sent him, without
// the page scrolling sideways (web/browsertest/mobile-documents.test.mjs).
func TestMobileDocumentsInChromium(t *testing.T) {
	n := demoHub(t)
	ctx := context.Background()
	// The secretary sends the signed regulation to the chairman and the
	// deputy for acquaintance, as she would from her own page.
	who := map[string]org.AuthRecord{}
	for _, login := range []string{"secretary", "chairman", "deputy"} {
		rec, err := n.Org.AuthByLogin(ctx, login)
		if err != nil {
			t.Fatal(err)
		}
		who[login] = rec
	}
	sc := who["secretary"].User.Scope("test")
	page, err := n.Docs.Journal.Journal(ctx, sc, workflow.JournalFilter{Query: "Положение о премировании", Limit: 1})
	if err != nil || len(page.Documents) != 1 {
		t.Fatalf("the demo's regulation: %v, %+v", err, page)
	}
	if _, err := n.Docs.Engine.Decide(ctx, sc, page.Documents[0].ID, workflow.DecisionInput{Decision: "acquaint",
		Assignees: []string{who["chairman"].ID, who["deputy"].ID}}); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "mobile-documents.test.mjs", Base: n.Server.URL, Timeout: 3 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=" + demo.Password}})
	var acks int
	if err := n.DB.QueryRow(`SELECT COUNT(*) FROM wf_tasks WHERE document_id = $1 AND assignee_id = $2 AND status = 'done' AND decision = 'acknowledge'`,
		page.Documents[0].ID, who["chairman"].ID).Scan(&acks); err != nil {
		t.Fatal(err)
	}
	if acks != 1 {
		t.Errorf("the chairman's acquaintance is not stored: %d done tasks", acks)
	}
}
