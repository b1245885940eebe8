package inbox

import (
	"context"
	"sync/atomic"
	"time"
)

// Calendar is the production calendar as lines' working hours read it
// (*workcal.Calendar, passed by the hub in Deps.Calendar).
type Calendar interface {
	// IsHoliday: a public holiday or a weekday made a day off.
	IsHoliday(t time.Time) bool
	// IsWorkingDay: includes a Saturday or Sunday made working.
	IsWorkingDay(t time.Time) bool
}

// calendarBox holds the calendar for WorkingHours, a value type that the
// widget reads too: like the workflow's zone, it is set once by New.
type calendarBox struct{ c Calendar }

var workingCalendar atomic.Pointer[calendarBox]

func productionCalendar() Calendar {
	if b := workingCalendar.Load(); b != nil {
		return b.c
	}
	return nil
}

// Absences tells the inbox who is away on an approved absence (vacation,
// sick leave, business trip, day off): such an operator is offered no
// conversations, and the supervisor sees their open ones flagged. The
// hub passes the absence service (package absence).
type Absences interface {
	// AbsentNow names the kind of the person's current approved
	// absence, or "" when they are at work.
	AbsentNow(ctx context.Context, userID string) (kind string, until string, err error)
}

// absentNow is Absences.AbsentNow, "" without the port or on an error
// (routing does not stop because the absence list cannot be read).
func (c *core) absentNow(ctx context.Context, userID string) (kind, until string) {
	if c.absences == nil {
		return "", ""
	}
	kind, until, err := c.absences.AbsentNow(ctx, userID)
	if err != nil {
		c.log.Warn("absence check failed; the operator is taken as present", "user", userID, "err", err)
		return "", ""
	}
	return kind, until
}
