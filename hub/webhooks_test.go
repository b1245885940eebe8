package hub_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/webhooks"
)

// TestWebhooksThroughTheHub: an administrator subscribes an endpoint over
// the API (a bad address is refused in Russian, an operator may not see
// webhooks), and a message that reaches the inbox is delivered to it,
// signed, by the hub's own worker.
func TestWebhooksThroughTheHub(t *testing.T) {
	n := hubtest.StartWith(t, hubtest.NewStorage(t), func(c *config.Config) { c.WebhooksAllowPrivate = true })
	ctx := context.Background()
	var mu sync.Mutex
	var got []map[string]any
	var secret string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		ts, sig, _ := strings.Cut(r.Header.Get(webhooks.SignatureHeader), ",v1=")
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(strings.TrimPrefix(ts, "t=") + "." + string(body)))
		if hex.EncodeToString(m.Sum(nil)) != sig {
			t.Errorf("bad signature %q", r.Header.Get(webhooks.SignatureHeader))
		}
		var env map[string]any
		_ = json.Unmarshal(body, &env)
		got = append(got, env)
	}))
	defer srv.Close()

	adm := n.NewBrowser(t)
	if resp := adm.Login(t, "admin", hubtest.AdminPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("admin login %d", resp.StatusCode)
	}
	code, body := adm.Do(t, "POST", "/api/v1/webhooks", `{"url":"ftp://example.org/x","events":["message.created"]}`)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "https://") || !strings.Contains(body, "ссылкой") {
		t.Fatalf("bad url: %d %s", code, body)
	}
	a := n.AddUnit(t, "", org.Committee, "Обком А")
	op := n.AddUser(t, "wh.op", access.Operator, a.ID, "password-wh")
	opW := n.NewBrowser(t)
	opW.Login(t, "wh.op", "password-wh")
	if code, _ := opW.Do(t, "GET", "/api/v1/webhooks", ""); code != http.StatusForbidden {
		t.Fatalf("operator listed webhooks: %d", code)
	}

	// The worker places its cursor at the log's end first.
	deadline := time.Now().Add(30 * time.Second)
	for {
		var v int64
		if err := n.DB.QueryRowContext(ctx, `SELECT value FROM webhook_state WHERE name = 'inbox'`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v >= 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the webhooks worker did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	code, body = adm.Do(t, "POST", "/api/v1/webhooks", `{"url":"`+srv.URL+`","events":["message.created"]}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	var created struct{ Endpoint webhooks.Endpoint }
	_ = json.Unmarshal([]byte(body), &created)
	mu.Lock()
	secret = created.Endpoint.Secret
	mu.Unlock()

	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Линия А", a.ID
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	ch, _, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindAPI, Name: "Сайт"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Inbox.Ingestion.Ingest(ctx, inbox.Inbound{ChannelID: ch.ID, ExternalMessageID: "wh-1",
		From: inbox.Identity{ExternalID: "v1", Name: "Петров Пётр"}, Text: "Когда выплата?", SentAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		found := false
		for _, env := range got {
			if env["type"] == "message.created" && strings.Contains(toJSON(env["data"]), "Когда выплата?") {
				found = true
			}
		}
		mu.Unlock()
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the message was not delivered; got %v", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
	code, body = adm.Do(t, "GET", "/api/v1/webhooks/"+created.Endpoint.ID+"/deliveries", "")
	if code != http.StatusOK || !strings.Contains(body, `"status":"sent"`) {
		t.Fatalf("log: %d %s", code, body)
	}
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }
