// Package browsertest is the one harness of the real-Chromium tests. A Go
// test sets up a hub (Start, Users), then Run starts one .mjs script with
// node; the script imports harness.mjs from this folder (launch options,
// sign-in, error capture, screenshots at desktop width and at 390 px),
// drives Debian's /usr/bin/chromium through playwright-core and exits
// non-zero with a reason on the first failed check.
//
// The tests run only when PROFHUB_TEST_BROWSER=1 (CI sets it after
// installing chromium and `npm install` here), so `go test ./...` needs no
// browser. Screenshots go to screenshots/ here (not tracked); the ones in
// docs/screenshots are copied from there after looking at them.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// DefaultTimeout bounds one script when Script.Timeout is zero.
const DefaultTimeout = 2 * time.Minute

// Dir is this folder (where harness.mjs and node_modules live), found from
// the source file so tests in any package can use it.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// ShotsDir is where the scripts leave their screenshots.
func ShotsDir() string { return filepath.Join(Dir(), "screenshots") }

// Require skips t unless PROFHUB_TEST_BROWSER=1 and fails it when the
// browser or playwright-core is missing, since then the run was asked for
// but cannot happen.
func Require(t testing.TB) {
	t.Helper()
	if os.Getenv("PROFHUB_TEST_BROWSER") != "1" {
		t.Skip("set PROFHUB_TEST_BROWSER=1 (needs /usr/bin/chromium, node and web/browsertest/node_modules)")
	}
	if _, err := os.Stat(filepath.Join(Dir(), "node_modules", "playwright-core")); err != nil {
		t.Fatal("run `npm install --no-audit --no-fund` in web/browsertest first")
	}
	if _, err := os.Stat(chromium()); err != nil {
		t.Fatalf("no Chromium at %s (apt-get install chromium, or set PROFHUB_CHROMIUM)", chromium())
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not installed")
	}
}

func chromium() string {
	if p := os.Getenv("PROFHUB_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// Start checks the browser (Require) and starts a whole hub.
func Start(t *testing.T) *hubtest.Node {
	t.Helper()
	Require(t)
	return hubtest.Start(t)
}

// User is a staff account a script signs in as.
type User struct {
	Login string
	Role  access.Role
}

// Users adds the accounts in the unit, all with the same password, and
// returns them by login.
func Users(t testing.TB, n *hubtest.Node, unitID, password string, users ...User) map[string]org.User {
	t.Helper()
	out := make(map[string]org.User, len(users))
	for _, u := range users {
		out[u.Login] = n.AddUser(t, u.Login, u.Role, unitID, password)
	}
	return out
}

// Script is one browser run.
type Script struct {
	Name    string        // a file in this folder, or an absolute path
	Base    string        // the hub's URL, PROFHUB_BASE for the script
	Env     []string      // more KEY=VALUE for the script
	Timeout time.Duration // DefaultTimeout when zero
	// Explain, when set, adds what the Go side knows to a failure report
	// (what a fake received, what SQL holds).
	Explain func() string
}

// Run runs the script and fails t with its output (and Explain) when it
// exits non-zero or overruns; on success it logs the output and the
// screenshots the script wrote.
func Run(t *testing.T, s Script) {
	t.Helper()
	out, shots, err := run(context.Background(), s)
	if err != nil {
		msg := fmt.Sprintf("browser test %s failed: %v\n%s", s.Name, err, out)
		if s.Explain != nil {
			msg += "\n" + s.Explain()
		}
		if len(shots) > 0 {
			msg += "\nscreenshots: " + strings.Join(shots, ", ")
		}
		t.Fatal(msg)
	}
	t.Logf("%s\nscreenshots in %s: %s", out, ShotsDir(), strings.Join(shots, ", "))
}

// run starts node on the script with the hub's address and the shared
// settings in its environment, kills it after the timeout, and lists the
// PNG files it wrote.
func run(ctx context.Context, s Script) ([]byte, []string, error) {
	if s.Base == "" {
		return nil, nil, errors.New("browsertest: the script needs the hub's URL (Script.Base)")
	}
	script := s.Name
	if !filepath.IsAbs(script) {
		script = filepath.Join(Dir(), script)
	}
	if _, err := os.Stat(script); err != nil {
		return nil, nil, fmt.Errorf("browsertest: %w", err)
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	shots := ShotsDir()
	if err := os.MkdirAll(shots, 0o755); err != nil {
		return nil, nil, fmt.Errorf("browsertest: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, "node", script)
	cmd.Dir = filepath.Dir(script)
	cmd.Env = append(os.Environ(), "PROFHUB_BASE="+s.Base, "PROFHUB_SHOTS="+shots, "PROFHUB_CHROMIUM="+chromium())
	cmd.Env = append(cmd.Env, s.Env...)
	cmd.WaitDelay = 5 * time.Second // a browser the killed node left holding the pipes
	out, err := cmd.CombinedOutput()
	if ctx.Err() == context.DeadlineExceeded {
		err = fmt.Errorf("killed after %s: %w", timeout, err)
	}
	return out, written(shots, start), err
}

// written lists the PNG files in dir changed since start.
func written(dir string, start time.Time) []string {
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		info, err := e.Info()
		if err == nil && strings.HasSuffix(e.Name(), ".png") && !info.ModTime().Before(start.Truncate(time.Second)) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names
}
