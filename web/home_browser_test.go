package web_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/profhub/profhub/demo"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/web/browsertest"
)

// TestHomeAndBellInChromium shows each role's home page on a hub the demo
// filled, then rings the chairman's bell with a letter for resolution and
// opens it from the bell (web/browsertest/home.test.mjs). Runs with
// PROFHUB_TEST_BROWSER=1.
func TestHomeAndBellInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	if err := demo.Fill(ctx, demo.Env{DB: n.DB, Org: n.Org, Inbox: n.Inbox, CRM: n.CRM, Docs: n.Docs, Mailing: n.Mailing, Notify: n.Notify,
		Out: io.Discard, Params: auth.CheapPasswordParams}); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "home.test.mjs", Base: n.Server.URL, Timeout: 3 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=" + demo.Password, "PROFHUB_ADMIN_PASSWORD=" + hubtest.AdminPassword}})
}
