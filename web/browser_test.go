package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/web/browsertest"
)

// TestConsoleInChromium drives the operators' console in real Chromium
// (web/browsertest/console.test.mjs) through the shared harness
// (web/browsertest): it runs when PROFHUB_TEST_BROWSER=1 and is skipped
// otherwise, so `go test ./...` needs no browser.
func TestConsoleInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	const pw = "operator-password"
	users := browsertest.Users(t, n, n.Root.ID, pw, browsertest.User{Login: "op1", Role: access.Operator},
		browsertest.User{Login: "op2", Role: access.Operator}, browsertest.User{Login: "chair", Role: access.Chairman})
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Горячая линия", n.Root.ID, inbox.Strict
	l.Operators = []inbox.LineOperator{{UserID: users["op1"].ID}, {UserID: users["op2"].ID}}
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var replies []string
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m inbox.APIWebhook
		_ = json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		replies = append(replies, m.Text)
		mu.Unlock()
	}))
	defer sink.Close()
	ch, token, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindAPI, Name: "Сайт",
		Settings: map[string]string{"webhook_url": sink.URL}})
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "console.test.mjs", Base: n.Server.URL, Timeout: 4 * time.Minute,
		Env: []string{"PROFHUB_CHANNEL=" + ch.ID, "PROFHUB_CHANNEL_TOKEN=" + token, "PROFHUB_PASSWORD=" + pw},
		Explain: func() string {
			mu.Lock()
			defer mu.Unlock()
			var st string
			_ = n.DB.QueryRow(`SELECT status || ' ' || status_reason FROM inbox_messages WHERE direction = 'out'`).Scan(&st)
			return fmt.Sprintf("webhook got %q; reply in SQL: %q", replies, st)
		}})
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(strings.Join(replies, "\n"), "Здравствуйте! Чем помочь?") {
		t.Fatalf("the reply typed in the browser never reached the channel's webhook: %q", replies)
	}
}
