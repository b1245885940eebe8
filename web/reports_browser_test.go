package web_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/demo"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/web/browsertest"
)

// TestReportsInChromium: a supervisor (the demo's deputy chairman) opens
// «Отчёты» from the menu on the demo's weeks of history: the summary, the
// charts (the heat map has its 7 × 24 cells) and the tables show; a
// filter by operator narrows them; the CSV and XLSX links give files; an
// operator has no such menu entry and sees only their own figures from
// the console (web/browsertest/reports.test.mjs; screenshots reports.png,
// -390).
func TestReportsInChromium(t *testing.T) {
	n := browsertest.Start(t)
	var out bytes.Buffer
	if err := demo.Fill(context.Background(), demo.Env{DB: n.DB, Org: n.Org, Inbox: n.Inbox, CRM: n.CRM, Out: &out,
		Params: auth.CheapPasswordParams}); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "reports.test.mjs", Base: n.Server.URL, Timeout: 3 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=" + demo.Password, "PROFHUB_ADMIN_PASSWORD=" + hubtest.AdminPassword}})
}
