package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
)

// TestConsoleInChromium drives the operators' console in real Chromium
// (web/browsertest/console.test.mjs). It runs when PROFHUB_TEST_BROWSER=1
// (CI sets it after installing Debian's chromium and playwright-core) and
// is skipped otherwise, so `go test ./...` needs no browser.
func TestConsoleInChromium(t *testing.T) {
	if os.Getenv("PROFHUB_TEST_BROWSER") != "1" {
		t.Skip("set PROFHUB_TEST_BROWSER=1 (needs /usr/bin/chromium, node and web/browsertest/node_modules)")
	}
	if _, err := os.Stat("browsertest/node_modules/playwright-core"); err != nil {
		t.Fatal("run `npm install` in web/browsertest first")
	}
	n := hubtest.Start(t)
	ctx := context.Background()
	const pw = "operator-password"
	op1 := n.AddUser(t, "op1", access.Operator, n.Root.ID, pw)
	op2 := n.AddUser(t, "op2", access.Operator, n.Root.ID, pw)
	n.AddUser(t, "chair", access.Chairman, n.Root.ID, pw)
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Горячая линия", n.Root.ID, inbox.Strict
	l.Operators = []inbox.LineOperator{{UserID: op1.ID}, {UserID: op2.ID}}
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
	shots, _ := filepath.Abs("browsertest/screenshots")
	cmd := exec.Command("node", "console.test.mjs")
	cmd.Dir = "browsertest"
	cmd.Env = append(os.Environ(), "PROFHUB_BASE="+n.Server.URL, "PROFHUB_CHANNEL="+ch.ID, "PROFHUB_CHANNEL_TOKEN="+token,
		"PROFHUB_PASSWORD="+pw, "PROFHUB_SHOTS="+shots)
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
		case <-time.After(2 * time.Minute):
			_ = cmd.Process.Kill()
		}
	}()
	out, err := cmd.CombinedOutput()
	close(done)
	if err != nil {
		mu.Lock()
		var st string
		_ = n.DB.QueryRow(`SELECT status || ' ' || status_reason FROM inbox_messages WHERE direction = 'out'`).Scan(&st)
		t.Fatalf("browser test failed: %v\n%s\nwebhook got %q; reply in SQL: %q", err, out, replies, st)
	}
	t.Logf("%s", out)
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(strings.Join(replies, "\n"), "Здравствуйте! Чем помочь?") {
		t.Fatalf("the reply typed in the browser never reached the channel's webhook: %q", replies)
	}
}
