package web_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/demo"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/auth"
)

// TestCRMPagesInChromium drives the members and appeals pages in real
// Chromium on the demo federation (web/browsertest/crm.test.mjs) and
// leaves their screenshots in docs/screenshots. Like the console's test it
// runs only with PROFHUB_TEST_BROWSER=1.
func TestCRMPagesInChromium(t *testing.T) {
	if os.Getenv("PROFHUB_TEST_BROWSER") != "1" {
		t.Skip("set PROFHUB_TEST_BROWSER=1 (needs /usr/bin/chromium, node and web/browsertest/node_modules)")
	}
	if _, err := os.Stat("browsertest/node_modules/playwright-core"); err != nil {
		t.Fatal("run `npm install` in web/browsertest first")
	}
	n := hubtest.Start(t)
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
	shots, _ := filepath.Abs("../docs/screenshots")
	cmd := exec.Command("node", "crm.test.mjs")
	cmd.Dir = "browsertest"
	cmd.Env = append(os.Environ(), "PROFHUB_BASE="+n.Server.URL, "PROFHUB_PASSWORD="+demo.Password, "PROFHUB_SHOTS="+shots,
		"PROFHUB_ADMIN_PASSWORD="+hubtest.AdminPassword)
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
		case <-time.After(2 * time.Minute):
			_ = cmd.Process.Kill()
		}
	}()
	b, err := cmd.CombinedOutput()
	close(done)
	if err != nil {
		t.Fatalf("browser test failed: %v\n%s", err, b)
	}
}
