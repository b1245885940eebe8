package telephony_test

import (
	"testing"
	"time"

	"github.com/profhub/profhub/connectors/telephony/pbxsim"
	"github.com/profhub/profhub/web/browsertest"
)

// TestTelephonyUIInChromium drives the caller card and the call log in real
// Chromium (web/browsertest/telephony.test.mjs). Like the console's
// browser test it runs when PROFHUB_TEST_BROWSER=1 and is skipped otherwise.
func TestTelephonyUIInChromium(t *testing.T) {
	browsertest.Require(t)
	e := newEnv(t, "generic", nil)
	// History: an answered call with a recording, and a missed one in the queue.
	e.pbx.AddRecording("ui-rec", pbxsim.ToneWAV(3))
	c := call("ui-answered", true)
	c.Recording, c.Start = "ui-rec", time.Now().Add(-2*time.Hour)
	e.play(t, c)
	e.waitRecording(t, "ready")
	e.play(t, call("ui-missed", false))
	browsertest.Run(t, browsertest.Script{Name: "telephony.test.mjs", Base: e.n.Server.URL,
		Env: []string{"PROFHUB_HOOK=" + e.hook, "PROFHUB_SECRET=" + e.pbx.Secret, "PROFHUB_PASSWORD=password-1",
			"PROFHUB_NUMBER=" + memberPhone, "PROFHUB_MEMBER=Смирнова Ольга Ивановна"}})
	// One call back from the caller card, one from the missed-call
	// conversation's button.
	if cbs := e.pbx.Callbacks(); len(cbs) != 2 || cbs[0].Number != memberPhone || cbs[1].Number != memberPhone || cbs[0].Extension != "101" {
		t.Fatalf("the clicks did not reach the PBX: %+v", cbs)
	}
}
