package inbox

import (
	"testing"
	"time"

	"github.com/profhub/profhub/workcal"
)

// TestWorkingHoursFollowTheCalendar: a line open 09–18 on weekdays is
// closed on public holidays and transferred days off, open on an ordinary
// weekday, and with open_on_holidays keeps its plain week.
func TestWorkingHoursFollowTheCalendar(t *testing.T) {
	years, err := workcal.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	prev := workingCalendar.Load()
	defer func() { workingCalendar.Store(prev) }()
	day := []Period{{From: "09:00", To: "18:00"}}
	h := WorkingHours{TZ: "Asia/Yekaterinburg", Week: map[string][]Period{"mon": day, "tue": day, "wed": day, "thu": day, "fri": day}}
	loc, _ := time.LoadLocation("Asia/Yekaterinburg")
	at := func(d string) time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", d+" 10:00", loc)
		return t
	}
	workingCalendar.Store(&calendarBox{workcal.New(years...)})
	tests := []struct {
		date string
		open bool
	}{
		{"2026-12-30", true},  // Wednesday
		{"2026-12-31", false}, // Thursday made a day off (from 4 January)
		{"2026-01-09", false}, // Friday made a day off (from 3 January)
		{"2026-02-23", false}, // a public holiday on a Monday
		{"2026-03-09", false}, // 8 March fell on a Sunday
		{"2026-12-05", false}, // an ordinary Saturday
		{"2026-01-12", true},
	}
	for _, tc := range tests {
		if got := h.Open(at(tc.date)); got != tc.open {
			t.Errorf("%s 10:00: open %v, want %v", tc.date, got, tc.open)
		}
	}
	h.OpenOnHolidays = true
	if !h.Open(at("2026-12-31")) {
		t.Error("open_on_holidays: a Thursday is open whatever the calendar says")
	}
	workingCalendar.Store(&calendarBox{workcal.New()})
	h.OpenOnHolidays = false
	h.Week["sat"] = day
	if !h.Open(at("2026-12-05")) {
		t.Error("a line open on Saturdays is open on an ordinary Saturday")
	}
}
