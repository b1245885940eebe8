package inbox

import (
	"context"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// SLA watches the service levels (sla.go): its sweeper marks missed
// targets and tells the people concerned; Counts gives the supervisors'
// figures.
type SLA struct {
	*core
	lines *Lines
	now   func() time.Time
}

// run sweeps every SLASweepEvery until ctx ends. Every node runs it: a
// breach is marked by whichever node's update finds it unmarked.
func (s *SLA) run(ctx context.Context) {
	t := time.NewTicker(SLASweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.Sweep(ctx); err != nil && !isCanceled(err) {
				s.log.Warn("service level sweep failed", "err", err)
			}
		}
	}
}

// Sweep marks the targets missed by now and reports how many this call
// marked. Each is marked and told in one transaction whose update changes
// the row only while it is unmarked, so a target is marked and told once
// however many sweepers run at the same moment.
func (s *SLA) Sweep(ctx context.Context) (int, error) {
	now := s.now().UnixMilli()
	marked := 0
	for _, tg := range slaTargets {
		ids, err := s.missed(ctx, tg, now)
		if err != nil {
			return marked, err
		}
		for _, id := range ids {
			ok, err := s.mark(ctx, tg, id, now)
			if err != nil {
				return marked, err
			}
			if ok {
				marked++
			}
		}
	}
	return marked, nil
}

// missed lists conversations whose target tg fell due by now, unmarked.
func (s *SLA) missed(ctx context.Context, tg slaTarget, now int64) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM inbox_conversations WHERE `+tg.due+` > 0 AND `+tg.due+` <= $1
		AND `+tg.breached+` = 0 AND `+tg.open+` ORDER BY `+tg.due+` LIMIT 200`, now)
	if err != nil {
		return nil, fmt.Errorf("inbox: service level sweep: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("inbox: service level sweep: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// mark records one breach, with the notices and the consoles' event, if
// it is still unmarked and still missed.
func (s *SLA) mark(ctx context.Context, tg slaTarget, id string, now int64) (bool, error) {
	marked := false
	err := s.write(ctx, func(tx db.Execer, w *txw) error {
		marked = false
		res, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET `+tg.breached+` = $2, sla_breaches = sla_breaches + 1
			WHERE id = $1 AND `+tg.breached+` = 0 AND `+tg.due+` > 0 AND `+tg.due+` <= $2 AND `+tg.open, id, now)
		if err != nil {
			return fmt.Errorf("inbox: service level breach: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // another node marked it, or the target was met meanwhile
		}
		c, err := conversationTx(ctx, tx, id)
		if err != nil {
			return err
		}
		// The line as stored now, not as this node cached it: a
		// supervisor named a moment ago on another node is told too.
		s.core.lines.drop(c.LineID)
		line, err := s.lineByIDIn(ctx, tx, c.LineID)
		if err != nil {
			return err
		}
		if err := s.tell(ctx, tx, tg, c, line); err != nil {
			return err
		}
		ev := convEvent(EvConversation, c)
		ev.Data = map[string]any{"sla_breached": tg.kind}
		w.add(ev)
		marked = true
		return nil
	})
	return marked, err
}

// tell notifies the assignee and the line's supervisors of a breach, each
// once (the key names the breach).
func (s *SLA) tell(ctx context.Context, tx db.Execer, tg slaTarget, c Conversation, line Line) error {
	if s.alerts == nil {
		return nil
	}
	due := c.FirstResponseDueAt
	if tg.kind == AlertResolutionLate {
		due = c.ResolutionDueAt
	}
	to := []string{}
	if c.AssigneeID != "" {
		to = append(to, c.AssigneeID)
	}
	for _, o := range line.Operators {
		if o.Supervisor && o.UserID != c.AssigneeID {
			to = append(to, o.UserID)
		}
	}
	for _, u := range to {
		a := Alert{Key: "inbox-sla:" + tg.kind + ":" + c.ID + ":" + strconvMs(due), UserID: u, Kind: tg.kind,
			Text: c.ContactName + " · " + line.Name, Link: ConversationLink(c.ID)}
		if err := s.alerts.Alert(ctx, tx, a); err != nil {
			return err
		}
	}
	return nil
}

// SLACounts are a line's breaches as the supervisor sees them.
type SLACounts struct {
	BreachedOpen  int `json:"sla_breached_open"`  // open conversations with a missed target
	BreachedToday int `json:"sla_breached_today"` // targets missed since dayStart
}

// slaCounts reads line lineID's counts; dayStart in ms.
func slaCounts(ctx context.Context, q db.Execer, lineID string, dayStart int64) (SLACounts, error) {
	var n SLACounts
	err := q.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN status <> 'closed' AND (first_response_breached_at > 0 OR resolution_breached_at > 0) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN first_response_breached_at >= $2 THEN 1 ELSE 0 END), 0)
		  + COALESCE(SUM(CASE WHEN resolution_breached_at >= $2 THEN 1 ELSE 0 END), 0)
		FROM inbox_conversations WHERE line_id = $1 AND (first_response_breached_at > 0 OR resolution_breached_at > 0)`,
		lineID, dayStart).Scan(&n.BreachedOpen, &n.BreachedToday)
	if err != nil {
		return n, fmt.Errorf("inbox: service level counts: %w", err)
	}
	return n, nil
}
