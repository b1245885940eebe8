package inbox

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// Service levels. A line sets two targets in minutes of its working time
// (Line.FirstResponseTargetMin, ResolutionTargetMin): the member waits no
// longer than the first for an operator's reply, and no longer than the
// second for the close. The clock starts when the member begins to wait
// (the conversation is created or reopened); each target's due time is the
// line's working time counted from then (sla_time.go), so nights, weekends
// and holidays do not count. A conversation moved to another line is due by
// that line's targets counted from the same start: a transfer buys no time,
// and a target already met or breached keeps its record. The sweeper (every
// node, every SweepEvery) marks a missed target once, in the transaction
// that tells the assignee and the line's supervisors.
//
// The columns (migration 00052) are what reports count:
// inbox_conversations.first_response_due_at, resolution_due_at,
// first_response_breached_at, resolution_breached_at (ms, 0 none),
// sla_started_at, sla_answered_at, and sla_breaches (every breach the
// conversation had, across reopens).

// MaxTargetMin bounds a line's targets: a year of minutes.
const MaxTargetMin = 525600

// SLASweepEvery is how often each node looks for missed targets.
const SLASweepEvery = 5 * time.Second

// The inbox's alerts of missed targets (the notification centre's kinds).
const (
	AlertFirstResponseLate = "conversation_first_response_late"
	AlertResolutionLate    = "conversation_resolution_late"
)

// ServiceLevel is a conversation's clock; zero times are none.
type ServiceLevel struct {
	SLAStartedAt            time.Time `json:"sla_started_at,omitzero"`  // the member began to wait
	SLAAnsweredAt           time.Time `json:"sla_answered_at,omitzero"` // the first operator's reply since then
	FirstResponseDueAt      time.Time `json:"first_response_due_at,omitzero"`
	ResolutionDueAt         time.Time `json:"resolution_due_at,omitzero"`
	FirstResponseBreachedAt time.Time `json:"first_response_breached_at,omitzero"`
	ResolutionBreachedAt    time.Time `json:"resolution_breached_at,omitzero"`
}

const slaConvColumns = `c.sla_started_at, c.sla_answered_at, c.first_response_due_at, c.resolution_due_at,
	c.first_response_breached_at, c.resolution_breached_at`

const slaBumpColumns = `sla_started_at, sla_answered_at, first_response_due_at, resolution_due_at,
	first_response_breached_at, resolution_breached_at`

// slaScan receives the clock's columns.
type slaScan [6]int64

func (s *slaScan) dest() []any { return []any{&s[0], &s[1], &s[2], &s[3], &s[4], &s[5]} }

func (s *slaScan) fill(c *Conversation) {
	c.ServiceLevel = ServiceLevel{ms(s[0]), ms(s[1]), ms(s[2]), ms(s[3]), ms(s[4]), ms(s[5])}
}

// slaDue are the due times (ms, 0 for none) of line l's targets for a
// member waiting since since (ms; 0: no clock, so no due times). Hours
// that never open leave a target without a due time.
func slaDue(l Line, since int64) (firstResponse, resolution int64) {
	due := func(target int) int64 {
		if target <= 0 || since <= 0 {
			return 0
		}
		t := l.Hours.AddWorkingMinutes(time.UnixMilli(since), target)
		if t.IsZero() {
			return 0
		}
		return t.UnixMilli()
	}
	return due(l.FirstResponseTargetMin), due(l.ResolutionTargetMin)
}

// slaRestartSQL starts a new clock at $2 with due times $3 and $4 (a
// reopen): the earlier clock's breaches stay counted in sla_breaches.
const slaRestartSQL = `sla_started_at = $2, sla_answered_at = 0, first_response_due_at = $3, resolution_due_at = $4,
	first_response_breached_at = 0, resolution_breached_at = 0`

// restartSLA starts conversation id's clock anew at now in line l.
func restartSLA(ctx context.Context, tx db.Execer, l Line, id string, now int64) error {
	fr, res := slaDue(l, now)
	if _, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET `+slaRestartSQL+` WHERE id = $1`, id, now, fr, res); err != nil {
		return fmt.Errorf("inbox: service level: %w", err)
	}
	return nil
}

// moveSLA sets the due times of conversation c, moved into line l, by l's
// targets from the same start; a target met or breached keeps its own.
func moveSLA(ctx context.Context, tx db.Execer, l Line, c Conversation) error {
	var since int64
	if !c.SLAStartedAt.IsZero() {
		since = c.SLAStartedAt.UnixMilli()
	}
	fr, res := slaDue(l, since)
	if _, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET
		first_response_due_at = CASE WHEN first_response_breached_at = 0 AND sla_answered_at = 0 THEN $2 ELSE first_response_due_at END,
		resolution_due_at = CASE WHEN resolution_breached_at = 0 THEN $3 ELSE resolution_due_at END
		WHERE id = $1`, c.ID, fr, res); err != nil {
		return fmt.Errorf("inbox: service level: %w", err)
	}
	return nil
}

// slaTarget is one kind of target as the sweeper sees it.
type slaTarget struct {
	kind, due, breached, open string // alert kind, columns, and the condition of a target still running
}

var slaTargets = []slaTarget{
	{AlertFirstResponseLate, "first_response_due_at", "first_response_breached_at", "sla_answered_at = 0 AND status <> 'closed'"},
	{AlertResolutionLate, "resolution_due_at", "resolution_breached_at", "status <> 'closed'"},
}

// strconvMs formats ms for a notice key.
func strconvMs(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
