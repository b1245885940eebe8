package workflow

import "time"

// WorkingDays is the production calendar as the workflow counts a step's
// deadline with it (*workcal.Calendar, passed by the hub): Step.Days are
// working days, so a task set before the New Year holidays is not due in
// the middle of them.
type WorkingDays interface {
	AddWorkingDays(from time.Time, n int) time.Time
}

// stepDeadline is the end of the day days working days after now, in the
// installation's zone; without a calendar, days whole days after now.
func (c *core) stepDeadline(days int) int64 {
	if c.calendar == nil {
		return c.now().Add(time.Duration(days) * 24 * time.Hour).UnixMilli()
	}
	due := c.calendar.AddWorkingDays(c.now().In(Zone()), days)
	return deadlineMillis(due.Format(time.DateOnly))
}
