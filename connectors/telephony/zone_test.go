package telephony_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/inbox"
)

// The server's time zone plays no part in a call's times: the whole check
// (TestZoneChild) runs in a fresh test process under TZ settings on either
// side of Moscow, one with an odd offset (−8:00 and +5:45), and must give
// the same instants each time.
func TestTimesIndependentOfServerZone(t *testing.T) {
	if os.Getenv("PROFHUB_TZ_CHILD") != "" {
		t.Skip("already the child")
	}
	for _, tz := range []string{"America/Los_Angeles", "Asia/Kathmandu"} {
		t.Run(tz, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestZoneChild$", "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), "TZ="+tz, "PROFHUB_TZ_CHILD="+tz)
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "--- PASS: TestZoneChild") {
				t.Fatalf("under TZ=%s: %v\n%s", tz, err, out)
			}
		})
	}
}

// TestZoneChild is TestTimesIndependentOfServerZone's body; it runs only
// in the child process, whose TZ the parent set.
func TestZoneChild(t *testing.T) {
	tz := os.Getenv("PROFHUB_TZ_CHILD")
	if tz == "" {
		t.Skip("run by TestTimesIndependentOfServerZone")
	}
	if time.Local.String() != tz && !(tz == "UTC" && time.Local.String() == "UTC") {
		t.Fatalf("the process runs in %s, not %s: the check would prove nothing", time.Local, tz)
	}
	// 10:15 in Moscow, 12:15 in Yekaterinburg.
	start := time.Date(2026, 11, 2, 7, 15, 0, 0, time.UTC)
	yekat, err := time.LoadLocation("Asia/Yekaterinburg")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		provider string
		settings map[string]string
		zone     *time.Location // where the fake Zadarma account lives
	}{
		{"generic", nil, nil},
		{"mango", nil, nil},
		{"zadarma", nil, nil}, // Zadarma's call_start in Moscow time, the default
		{"zadarma", map[string]string{"time_zone": "Asia/Yekaterinburg"}, yekat},
	}
	for _, c := range cases {
		e := newEnv(t, c.provider, c.settings)
		e.pbx.Zone = c.zone
		cl := call("zone", false)
		cl.Start = start
		e.play(t, cl)
		got := e.oneCall(t)
		if got["started_at"] != "2026-11-02T07:15:00Z" {
			t.Errorf("%s %v: started_at %v, want 2026-11-02T07:15:00Z", c.provider, c.settings, got["started_at"])
		}
		for _, k := range []string{"answered_at", "ended_at"} {
			if v, ok := got[k].(string); ok && !strings.HasSuffix(v, "Z") {
				t.Errorf("%s: %s %q is not in UTC", c.provider, k, v)
			}
		}
		// Dates the user types are in the installation's zone (PROFHUB_TIME_ZONE,
		// Orenburg's by default), and so are the dates shown.
		if n := len(e.calls(t, "from=2026-11-02&to=2026-11-02")); n != 1 {
			t.Errorf("%s: the call is not on 2 November (Orenburg): %d calls", c.provider, n)
		}
		if n := len(e.calls(t, "from=2026-11-03&to=2026-11-03")); n != 0 {
			t.Errorf("%s: the call is on 3 November: %d calls", c.provider, n)
		}
		if c.provider == "zadarma" {
			continue
		}
		code, body := e.api(t, "GET", "/api/v1/telephony/calls/export.xlsx", nil)
		x, err := excelize.OpenReader(bytes.NewReader(body))
		if code != 200 || err != nil {
			t.Fatalf("export: %d %v", code, err)
		}
		if rows, _ := x.GetRows("Звонки"); len(rows) != 2 || rows[1][0] != "02.11.2026 12:15:00" {
			t.Errorf("%s: export shows %v, want 02.11.2026 12:15:00", c.provider, rows)
		}
		convs, _ := e.n.Inbox.Conversations.List(context.Background(), e.n.System, inbox.ConversationFilter{})
		if len(convs) != 1 {
			t.Fatalf("%s: %d conversations for the missed call", c.provider, len(convs))
		}
		msgs, _ := e.n.Inbox.Conversations.Messages(context.Background(), e.n.System, convs[0].ID, 0, 5)
		if len(msgs) == 0 || !strings.Contains(msgs[0].Text, "02.11.2026 12:15") {
			t.Errorf("%s: missed-call note %v, want Orenburg's time 02.11.2026 12:15", c.provider, msgs)
		}
	}
}
