package worktime

import (
	"testing"
	"time"
)

var zone = time.FixedZone("UTC+5", 5*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, zone)
	if err != nil {
		panic(err)
	}
	return t
}

// TestWorked: pauses leave gaps, a running interval counts to now, and
// one ended or left running past midnight counts up to its day's end.
func TestWorked(t *testing.T) {
	for _, c := range []struct {
		name string
		list []Interval
		now  string
		want time.Duration
	}{
		{"none", nil, "2026-12-01 12:00", 0},
		{"with a pause", []Interval{
			{Day: "2026-12-01", Start: at("2026-12-01 09:00"), End: at("2026-12-01 13:00"), ClosedBy: "pause"},
			{Day: "2026-12-01", Start: at("2026-12-01 14:00"), End: at("2026-12-01 18:15"), ClosedBy: "end"},
		}, "2026-12-01 20:00", 8*time.Hour + 15*time.Minute},
		{"running counts to now", []Interval{{Day: "2026-12-01", Start: at("2026-12-01 09:00")}}, "2026-12-01 10:30", 90 * time.Minute},
		{"ended after midnight is capped", []Interval{
			{Day: "2026-12-01", Start: at("2026-12-01 20:00"), End: at("2026-12-02 01:30"), ClosedBy: "end"},
		}, "2026-12-02 09:00", 4 * time.Hour},
		{"left running is capped", []Interval{{Day: "2026-12-01", Start: at("2026-12-01 22:00")}}, "2026-12-03 09:00", 2 * time.Hour},
	} {
		if got := Worked(c.list, zone, at(c.now)); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestState: the header's state from the latest interval.
func TestState(t *testing.T) {
	for _, c := range []struct {
		last *Interval
		want string
	}{
		{nil, Off},
		{&Interval{Day: "2026-12-01"}, Working},
		{&Interval{Day: "2026-11-30"}, Working}, // left running: may be ended
		{&Interval{Day: "2026-12-01", ClosedBy: "pause"}, Paused},
		{&Interval{Day: "2026-11-30", ClosedBy: "pause"}, Off},
		{&Interval{Day: "2026-12-01", ClosedBy: "end"}, Ended},
		{&Interval{Day: "2026-11-30", ClosedBy: "end"}, Off},
	} {
		if got := State(c.last, "2026-12-01"); got != c.want {
			t.Errorf("State(%+v) = %s, want %s", c.last, got, c.want)
		}
	}
}
