package inbox

import (
	"context"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/security/access"
)

// Supervisor shows supervisors their lines as they are now.
type Supervisor struct {
	*core
	lines *Lines
}

// LineOverview is the supervisor's picture of one line right now.
type LineOverview struct {
	LineID                 string             `json:"line_id"`
	Name                   string             `json:"name"`
	Mode                   RoutingMode        `json:"routing_mode"`
	Waiting                int                `json:"waiting"`
	LongestWaitS           int64              `json:"longest_wait_s"`
	Active                 int                `json:"active"`
	ReceivedToday          int                `json:"received_today"`
	ClosedToday            int                `json:"closed_today"`
	SLACounts                                 // missed service-level targets (sla_sweep.go)
	FirstResponseTargetMin int                `json:"first_response_target_min"`
	ResolutionTargetMin    int                `json:"resolution_target_min"`
	Operators              []OperatorOverview `json:"operators"`
}

// OperatorOverview is one operator of a line.
type OperatorOverview struct {
	UserID   string `json:"user_id"`
	Name     string `json:"name"`
	Presence string `json:"presence"` // live: online, break, offline or absent
	Active   int    `json:"active"`   // conversations they have in this line
	Capacity int    `json:"capacity"`
	// Absence is the kind of their approved absence today (vacation,
	// sick_leave, …) and AbsentUntil its last day: their open
	// conversations wait for the supervisor to hand them on.
	Absence     string `json:"absence,omitempty"`
	AbsentUntil string `json:"absent_until,omitempty"`
}

// Overview returns the lines the caller supervises: every line of their
// subtree for chairmen, deputies and administrators; the lines where they
// are a supervisor otherwise.
func (sv *Supervisor) Overview(ctx context.Context, sc access.Scope, loc *time.Location) ([]LineOverview, error) {
	lines, err := sv.lines.List(ctx, sc)
	if err != nil {
		return nil, err
	}
	if loc == nil {
		loc = time.FixedZone("MSK", 3*3600)
	}
	now := time.Now()
	y, m, d := now.In(loc).Date()
	dayStart := time.Date(y, m, d, 0, 0, 0, 0, loc).UnixMilli()
	out := []LineOverview{}
	for _, l := range lines {
		if !sv.supervises(sc, l) {
			continue
		}
		o := LineOverview{LineID: l.ID, Name: l.Name, Mode: l.Mode, Operators: []OperatorOverview{},
			FirstResponseTargetMin: l.FirstResponseTargetMin, ResolutionTargetMin: l.ResolutionTargetMin}
		var oldest int64
		err := sv.db.QueryRowContext(ctx, `SELECT
			COALESCE(SUM(CASE WHEN status = 'waiting' THEN 1 ELSE 0 END), 0),
			COALESCE(MIN(CASE WHEN status = 'waiting' THEN queued_at END), 0),
			COALESCE(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END), 0)
			FROM inbox_conversations WHERE line_id = $1 AND status <> 'closed'`, l.ID).Scan(&o.Waiting, &oldest, &o.Active)
		if err != nil {
			return nil, fmt.Errorf("inbox: overview: %w", err)
		}
		if oldest > 0 {
			o.LongestWaitS = (now.UnixMilli() - oldest) / 1000
		}
		if err := sv.db.QueryRowContext(ctx, `SELECT
			COALESCE(SUM(CASE WHEN created_at >= $2 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN closed_at >= $2 THEN 1 ELSE 0 END), 0)
			FROM inbox_conversations WHERE line_id = $1 AND (created_at >= $2 OR closed_at >= $2)`, l.ID, dayStart).
			Scan(&o.ReceivedToday, &o.ClosedToday); err != nil {
			return nil, fmt.Errorf("inbox: overview: %w", err)
		}
		if o.SLACounts, err = slaCounts(ctx, sv.db, l.ID, dayStart); err != nil {
			return nil, err
		}
		active := map[string]int{}
		rows, err := sv.db.QueryContext(ctx, `SELECT assignee_id, COUNT(*) FROM inbox_conversations WHERE line_id = $1 AND status = 'active' GROUP BY assignee_id`, l.ID)
		if err != nil {
			return nil, fmt.Errorf("inbox: overview: %w", err)
		}
		for rows.Next() {
			var op string
			var n int
			if rows.Scan(&op, &n) == nil {
				active[op] = n
			}
		}
		rows.Close()
		for _, op := range l.Operators {
			p, err := sv.livePresence(ctx, op.UserID)
			if err != nil {
				p = Offline
			}
			kind, until := sv.absentNow(ctx, op.UserID)
			o.Operators = append(o.Operators, OperatorOverview{UserID: op.UserID, Name: op.Name, Presence: p,
				Active: active[op.UserID], Capacity: op.CapacityIn(l), Absence: kind, AbsentUntil: until})
		}
		out = append(out, o)
	}
	return out, nil
}

func (sv *Supervisor) supervises(sc access.Scope, l Line) bool {
	if sc.Can(access.SuperviseInbox) {
		return true
	}
	for _, o := range l.Operators {
		if o.UserID == sc.UserID && o.Supervisor {
			return true
		}
	}
	return false
}
