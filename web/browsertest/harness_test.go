package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRun checks the Go half of the harness with plain node scripts (no
// browser): the environment a script gets, failures, the timeout, and the
// screenshots it reports.
func TestRun(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	fixture := func(name string) string { p, _ := filepath.Abs(filepath.Join("testdata", name)); return p }
	t.Cleanup(func() { _ = os.Remove(filepath.Join(ShotsDir(), "harness-selftest.png")) })
	for _, c := range []struct {
		name      string
		s         Script
		wantErr   string
		wantOut   string
		wantShots []string
	}{
		{"passes", Script{Name: fixture("ok.mjs"), Base: "http://127.0.0.1:1", Env: []string{"EXTRA=yes"}}, "",
			"base http://127.0.0.1:1 extra yes", []string{"harness-selftest.png"}},
		{"fails", Script{Name: fixture("fail.mjs"), Base: "http://x"}, "exit status 1", "fails on purpose", nil},
		{"overruns", Script{Name: fixture("hang.mjs"), Base: "http://x", Timeout: 500 * time.Millisecond}, "killed after 500ms", "", nil},
		{"no base", Script{Name: fixture("ok.mjs")}, "needs the hub's URL", "", nil},
		{"no script", Script{Name: "no-such.test.mjs", Base: "http://x"}, "no such file", "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, shots, err := run(context.Background(), c.s)
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("error %v\n%s", err, out)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("error %v, want %q", err, c.wantErr)
			}
			if !strings.Contains(string(out), c.wantOut) {
				t.Errorf("output %q lacks %q", out, c.wantOut)
			}
			for _, s := range c.wantShots {
				if !slices.Contains(shots, s) {
					t.Errorf("screenshots %v lack %s", shots, s)
				}
			}
		})
	}
}

// TestRequireSkipsWithoutTheSwitch: without PROFHUB_TEST_BROWSER=1 a browser
// test is skipped, not failed.
func TestRequireSkipsWithoutTheSwitch(t *testing.T) {
	t.Setenv("PROFHUB_TEST_BROWSER", "")
	skipped := true
	t.Run("inner", func(t *testing.T) {
		Require(t)
		skipped = false
	})
	if !skipped {
		t.Fatal("Require did not skip")
	}
}
