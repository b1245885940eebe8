package inbox

import (
	"testing"
	"time"

	"github.com/profhub/profhub/workcal"
)

// TestSLADueInWorkingTime: a target counts only the line's working time
// (its week, its own holidays and the production calendar): a night, a
// weekend and the New-Year holidays do not count, a line open round the
// clock counts every minute, and hours that never open give no due time.
// The minutes counted back from the due time are the target, which is the
// count the automation's no-answer rule uses too.
func TestSLADueInWorkingTime(t *testing.T) {
	years, err := workcal.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	prev := workingCalendar.Load()
	defer func() { workingCalendar.Store(prev) }()
	workingCalendar.Store(&calendarBox{workcal.New(years...)})

	const tz = "Asia/Yekaterinburg"
	loc, _ := time.LoadLocation(tz)
	day := []Period{{From: "09:00", To: "18:00"}}
	weekdays := func(ps []Period) WorkingHours {
		return WorkingHours{TZ: tz, Week: map[string][]Period{"mon": ps, "tue": ps, "wed": ps, "thu": ps, "fri": ps}}
	}
	office := weekdays(day)
	lunch := weekdays([]Period{{From: "09:00", To: "13:00"}, {From: "14:00", To: "18:00"}})
	ownHoliday := office
	ownHoliday.Holidays = []string{"2026-12-08"}
	allWeek := office
	allWeek.OpenOnHolidays = true
	never := WorkingHours{TZ: tz, Week: map[string][]Period{"mon": nil}} // a week with no hours on any day
	roundTheClock := WorkingHours{}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		h    WorkingHours
		from string
		min  int
		due  string // "" never
	}{
		{"within the day", office, "2026-12-07 10:00", 30, "2026-12-07 10:30"},
		{"across the night", office, "2026-12-07 17:50", 30, "2026-12-08 09:20"},
		{"arrives at night", office, "2026-12-08 03:00", 15, "2026-12-08 09:15"},
		{"over the weekend", office, "2026-12-04 17:45", 60, "2026-12-07 09:45"},
		{"arrives on Saturday", office, "2026-12-05 12:00", 10, "2026-12-07 09:10"},
		{"New-Year holidays", office, "2026-12-30 17:50", 30, "2027-01-11 09:20"},
		{"a line's own holiday", ownHoliday, "2026-12-07 17:30", 60, "2026-12-09 09:30"},
		{"open on holidays keeps the week", allWeek, "2026-12-30 17:50", 30, "2026-12-31 09:20"},
		{"lunch break", lunch, "2026-12-07 12:45", 30, "2026-12-07 14:15"},
		{"a day's whole target", office, "2026-12-07 09:00", 540, "2026-12-07 18:00"},
		{"round the clock", roundTheClock, "2026-12-31 23:50", 30, "2027-01-01 00:20"},
		{"never open", never, "2026-12-07 10:00", 30, ""},
		{"no target", office, "2026-12-05 12:00", 0, "2026-12-05 12:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			from := at(tc.from)
			got := tc.h.AddWorkingMinutes(from, tc.min)
			if tc.due == "" {
				if !got.IsZero() {
					t.Fatalf("due %v, want never", got.In(loc))
				}
				return
			}
			if want := at(tc.due); !got.Equal(want) {
				t.Fatalf("due %v, want %v", got.In(loc), want)
			}
			if n := tc.h.WorkingMinutes(from, got); n != tc.min {
				t.Fatalf("working minutes back to the due time: %d, want %d", n, tc.min)
			}
			if tc.min > 0 && tc.h.WorkingMinutes(from, got.Add(-time.Minute)) != tc.min-1 {
				t.Fatalf("a minute before the due time is not a minute short")
			}
		})
	}
	// The due time of a line's targets from a start (ms).
	l := Line{Hours: office, FirstResponseTargetMin: 30, ResolutionTargetMin: 120}
	fr, res := slaDue(l, at("2026-12-07 17:50").UnixMilli())
	if !ms(fr).Equal(at("2026-12-08 09:20")) || !ms(res).Equal(at("2026-12-08 10:50")) {
		t.Fatalf("line's due times %v %v", ms(fr).In(loc), ms(res).In(loc))
	}
	if fr, res := slaDue(Line{Hours: office}, at("2026-12-07 10:00").UnixMilli()); fr != 0 || res != 0 {
		t.Fatalf("a line without targets has due times %d %d", fr, res)
	}
}
