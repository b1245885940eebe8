package web_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/demo"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/web/browsertest"
)

// TestCRMPagesInChromium drives the members and appeals pages in real
// Chromium on the demo federation (web/browsertest/crm.test.mjs). Like the
// console's test it runs only with PROFHUB_TEST_BROWSER=1.
func TestCRMPagesInChromium(t *testing.T) {
	n := browsertest.Start(t)
	var out bytes.Buffer
	if err := demo.Fill(context.Background(), demo.Env{DB: n.DB, Org: n.Org, Inbox: n.Inbox, CRM: n.CRM, Out: &out,
		Params: auth.CheapPasswordParams}); err != nil {
		t.Fatal(err)
	}
	// A list with a file field (named after the awards list, which the
	// page shows first).
	if _, err := n.CRM.Lists.CreateList(context.Background(), n.System, crm.ListInput{Name: "Сканы документов", Fields: []crm.ListField{
		{Key: "who", Title: "Кто", Type: crm.FieldText, Required: true}, {Key: "scan", Title: "Скан", Type: crm.FieldFile}}}); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "crm.test.mjs", Base: n.Server.URL,
		Env: []string{"PROFHUB_PASSWORD=" + demo.Password, "PROFHUB_ADMIN_PASSWORD=" + hubtest.AdminPassword}})
}
