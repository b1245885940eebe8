package workcal

import (
	"testing"
	"time"
)

func shippedCalendar(t *testing.T) *Calendar {
	t.Helper()
	ys, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	if len(ys) < 2 {
		t.Fatalf("shipped years: %d", len(ys))
	}
	return New(ys...)
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestShippedYearTotals(t *testing.T) {
	c := shippedCalendar(t)
	// 2026 by the decree: 247 working days, 1972 hours at a 40-hour week.
	if d, h := c.Totals(2026); d != 247 || h != 1972 {
		t.Errorf("2026: %d days, %d hours; want 247, 1972", d, h)
	}
	if y, ok := c.Known(2027); !ok || !y.Provisional {
		t.Errorf("2027 must ship marked provisional: %+v %v", y, ok)
	}
}

func TestDayInfo(t *testing.T) {
	c := shippedCalendar(t)
	tests := []struct {
		date, kind string
		hours      int
	}{
		{"2026-01-01", Holiday, 0},
		{"2026-01-08", Holiday, 0},
		{"2026-01-09", DayOff, 0}, // transferred from Saturday 3 January
		{"2026-01-12", Working, 8},
		{"2026-02-23", Holiday, 0},
		{"2026-03-09", DayOff, 0}, // 8 March is a Sunday
		{"2026-04-30", Short, 7},
		{"2026-05-11", DayOff, 0}, // 9 May is a Saturday
		{"2026-06-11", Short, 7},
		{"2026-06-12", Holiday, 0},
		{"2026-11-04", Holiday, 0},
		{"2026-12-30", Working, 8},
		{"2026-12-31", DayOff, 0}, // transferred from Sunday 4 January
		{"2026-12-05", Weekend, 0},
		{"2030-01-03", Holiday, 0}, // no file: the code's fixed holidays
		{"2030-01-09", Working, 8},
	}
	for _, tc := range tests {
		got := c.DayInfo(day(tc.date))
		if got.Kind != tc.kind || got.Hours != tc.hours {
			t.Errorf("%s: %s %dh, want %s %dh", tc.date, got.Kind, got.Hours, tc.kind, tc.hours)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := shippedCalendar(t)
	tests := []struct {
		from string
		n    int
		want string
	}{
		// Across the New Year holidays: 30 Dec is the 1st, then 31 Dec and
		// 1–10 January 2027 are off, so 11–14 January are the 2nd to 5th.
		{"2026-12-29", 5, "2027-01-14"},
		{"2026-12-30", 1, "2027-01-11"},
		{"2026-05-08", 1, "2026-05-12"}, // over 9–11 May
		{"2026-02-20", 1, "2026-02-24"}, // over the weekend and 23 February
		{"2026-06-10", 0, "2026-06-10"},
		{"2026-06-10", -3, "2026-06-10"},
	}
	for _, tc := range tests {
		if got := c.AddWorkingDays(day(tc.from), tc.n).Format(time.DateOnly); got != tc.want {
			t.Errorf("%s + %d working days = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
	// The clock of from is kept, in its zone.
	msk := time.FixedZone("MSK", 3*3600)
	from := time.Date(2026, 12, 29, 15, 30, 0, 0, msk)
	if got := c.AddWorkingDays(from, 5); !got.Equal(time.Date(2027, 1, 14, 15, 30, 0, 0, msk)) {
		t.Errorf("clock lost: %v", got)
	}
}
