package telephony_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/profhub/profhub/connectors/telephony/pbxsim"
)

// TestTelephonyUIInChromium drives the caller card and the call log in real
// Chromium (web/browsertest/telephony.test.mjs). Like the console's
// browser test it runs when PROFHUB_TEST_BROWSER=1 and is skipped otherwise.
// Screenshots go to docs/screenshots.
func TestTelephonyUIInChromium(t *testing.T) {
	if os.Getenv("PROFHUB_TEST_BROWSER") != "1" {
		t.Skip("set PROFHUB_TEST_BROWSER=1 (needs /usr/bin/chromium, node and web/browsertest/node_modules)")
	}
	dir, _ := filepath.Abs("../../web/browsertest")
	if _, err := os.Stat(filepath.Join(dir, "node_modules/playwright-core")); err != nil {
		t.Fatal("run `npm install` in web/browsertest first")
	}
	e := newEnv(t, "generic", nil)
	// History: an answered call with a recording, and a missed one in the queue.
	e.pbx.AddRecording("ui-rec", pbxsim.ToneWAV(3))
	c := call("ui-answered", true)
	c.Recording, c.Start = "ui-rec", time.Now().Add(-2*time.Hour)
	e.play(t, c)
	e.waitRecording(t, "ready")
	e.play(t, call("ui-missed", false))
	shots, _ := filepath.Abs("../../docs/screenshots")
	cmd := exec.Command("node", "telephony.test.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PROFHUB_BASE="+e.n.Server.URL, "PROFHUB_HOOK="+e.hook, "PROFHUB_SECRET="+e.pbx.Secret,
		"PROFHUB_PASSWORD=password-1", "PROFHUB_NUMBER="+memberPhone, "PROFHUB_MEMBER=Смирнова Ольга Ивановна", "PROFHUB_SHOTS="+shots)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd = exec.CommandContext(ctx, cmd.Path, cmd.Args[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PROFHUB_BASE="+e.n.Server.URL, "PROFHUB_HOOK="+e.hook, "PROFHUB_SECRET="+e.pbx.Secret,
		"PROFHUB_PASSWORD=password-1", "PROFHUB_NUMBER="+memberPhone, "PROFHUB_MEMBER=Смирнова Ольга Ивановна", "PROFHUB_SHOTS="+shots)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("browser test failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
	// One call back from the caller card, one from the missed-call
	// conversation's button.
	if cbs := e.pbx.Callbacks(); len(cbs) != 2 || cbs[0].Number != memberPhone || cbs[1].Number != memberPhone || cbs[0].Extension != "101" {
		t.Fatalf("the clicks did not reach the PBX: %+v", cbs)
	}
}
