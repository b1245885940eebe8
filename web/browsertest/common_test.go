package browsertest

import (
	"os/exec"
	"testing"
)

// TestCommonFormatters runs common.check.mjs: the shared script's dates,
// calendar days, durations and numbers in the language and time zone the
// page declares. It needs node only, not the browser.
func TestCommonFormatters(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	cmd := exec.Command("node", "common.check.mjs")
	cmd.Dir = Dir()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}
