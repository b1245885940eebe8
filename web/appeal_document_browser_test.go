package web_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// TestAppealToDocumentInChromium: the secretary opens an appeal card on
// /appeals, registers it as an incoming document with the button there and
// lands on the new document's card (web/browsertest/appeal-document.test.mjs).
func TestAppealToDocumentInChromium(t *testing.T) {
	if os.Getenv("PROFHUB_TEST_BROWSER") != "1" {
		t.Skip("set PROFHUB_TEST_BROWSER=1 (needs /usr/bin/chromium, node and web/browsertest/node_modules)")
	}
	if _, err := os.Stat("browsertest/node_modules/playwright-core"); err != nil {
		t.Fatal("run `npm install` in web/browsertest first")
	}
	n := hubtest.Start(t)
	const pw = "appeal-doc-password"
	committee := n.AddUnit(t, "", org.Committee, "Обком профсоюза образования")
	n.AddUser(t, "secretary", access.Secretary, committee.ID, pw)
	n.AddUser(t, "chairman", access.Chairman, committee.ID, pw)
	ctx := t.Context()
	m, err := n.CRM.Members.CreateMember(ctx, n.System, crm.MemberInput{UnitID: committee.ID, Surname: "Сидорова", GivenName: "Анна"}, false)
	if err != nil {
		t.Fatal(err)
	}
	a, err := n.CRM.Appeals.CreateAppeal(ctx, n.System, crm.AppealInput{UnitID: committee.ID, MemberID: m.ID, Channel: "letter",
		Subject: "Незаконное увольнение", Text: "Прошу защитить мои права."})
	if err != nil {
		t.Fatal(err)
	}
	shots, _ := filepath.Abs("browsertest/screenshots")
	cmd := exec.Command("node", "appeal-document.test.mjs")
	cmd.Dir = "browsertest"
	cmd.Env = append(os.Environ(), "PROFHUB_BASE="+n.Server.URL, "PROFHUB_PASSWORD="+pw, "PROFHUB_SHOTS="+shots,
		"PROFHUB_APPEAL="+a.ID)
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
		t.Fatalf("browser test failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
