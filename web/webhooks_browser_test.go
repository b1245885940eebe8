package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/web/browsertest"
	"github.com/profhub/profhub/webhooks"
)

// TestWebhooksInChromium: the administrator opens the webhooks page, an
// ftp address is refused in Russian, a new endpoint is subscribed and its
// secret shown once; the log of an endpoint that answers 500 shows the
// attempts, the code and the next attempt, "Отправить снова" queues a
// delivery again, and the endpoint is disabled
// (web/browsertest/webhooks.test.mjs; screenshots webhooks.png, -390).
func TestWebhooksInChromium(t *testing.T) {
	browsertest.Require(t)
	n := hubtest.StartWith(t, hubtest.NewStorage(t), func(c *config.Config) { c.WebhooksAllowPrivate = true })
	ctx := context.Background()
	ok := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer ok.Close()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) }))
	defer down.Close()
	for _, u := range []string{ok.URL + "/crm", down.URL + "/erp"} {
		if _, err := n.Webhooks.Create(ctx, n.System, webhooks.Input{URL: u, Events: []string{webhooks.AppealChanged, webhooks.MailingChanged}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range []string{"registered", "in_work", "answered"} {
		if err := n.Webhooks.Publish(ctx, webhooks.AppealChanged, map[string]string{"number": "ОБР-2026-0042", "status": st}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var tried int
		if err := n.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE attempts > 0`).Scan(&tried); err != nil {
			t.Fatal(err)
		}
		if tried >= 4 { // three to the healthy one, the held head of the other
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries not attempted: %d", tried)
		}
		time.Sleep(100 * time.Millisecond)
	}
	browsertest.Run(t, browsertest.Script{Name: "webhooks.test.mjs", Base: n.Server.URL, Timeout: 2 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=" + hubtest.AdminPassword, "PROFHUB_RECEIVER=" + ok.URL + "/second"}})
}
