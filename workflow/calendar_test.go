package workflow

import (
	"testing"
	"time"

	"github.com/profhub/profhub/workcal"
)

// TestStepDeadlineCountsWorkingDays: a step of 5 working days entered on
// 29 December 2026 is due at the end of 14 January 2027, after the New
// Year holidays of the production calendar; without a calendar it is
// five whole days later.
func TestStepDeadlineCountsWorkingDays(t *testing.T) {
	years, err := workcal.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 29, 10, 0, 0, 0, Zone())
	c := &core{now: func() time.Time { return start }, calendar: workcal.New(years...)}
	if got := deadlineDay(c.stepDeadline(5)); got != "2027-01-14" {
		t.Errorf("5 working days from 29.12.2026 = %s, want 2027-01-14", got)
	}
	if got, want := c.stepDeadline(5), deadlineMillis("2027-01-14"); got != want {
		t.Errorf("deadline %d, want the end of the day %d", got, want)
	}
	c.calendar = nil
	if got := c.stepDeadline(5); got != start.Add(5*24*time.Hour).UnixMilli() {
		t.Errorf("without a calendar: %v", time.UnixMilli(got))
	}
}
