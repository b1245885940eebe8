package web_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// TestDocumentsInChromium walks the three document routes through the UI in
// real Chromium (web/browsertest/documents.test.mjs): the incoming letter
// from registration through resolution, the deputy's assignment and two
// executors to closure; the outgoing reply to dispatch; an internal order
// to acquaintance. Runs with PROFHUB_TEST_BROWSER=1, like
// TestConsoleInChromium.
func TestDocumentsInChromium(t *testing.T) {
	if os.Getenv("PROFHUB_TEST_BROWSER") != "1" {
		t.Skip("set PROFHUB_TEST_BROWSER=1 (needs /usr/bin/chromium, node and web/browsertest/node_modules)")
	}
	if _, err := os.Stat("browsertest/node_modules/playwright-core"); err != nil {
		t.Fatal("run `npm install` in web/browsertest first")
	}
	n := hubtest.Start(t)
	const pw = "documents-password"
	committee := n.AddUnit(t, "", org.Committee, "Обком профсоюза образования")
	for _, u := range []struct {
		login string
		role  access.Role
	}{{"secretary", access.Secretary}, {"chairman", access.Chairman}, {"deputy", access.Deputy}, {"ivanova", access.Executor}, {"petrov", access.Executor}} {
		n.AddUser(t, u.login, u.role, committee.ID, pw)
	}
	shots, _ := filepath.Abs("browsertest/screenshots")
	cmd := exec.Command("node", "documents.test.mjs")
	cmd.Dir = "browsertest"
	cmd.Env = append(os.Environ(), "PROFHUB_BASE="+n.Server.URL, "PROFHUB_PASSWORD="+pw, "PROFHUB_SHOTS="+shots)
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
		case <-time.After(3 * time.Minute):
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
