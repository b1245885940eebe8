package crm

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// AppealNotices sends the deadline notices of appeals (SweepAppeals, run
// by the hub every minute).
type AppealNotices struct {
	db *db.DB
	// notifier delivers the notices; nil leaves SweepAppeals without
	// anyone to tell.
	notifier AppealNotifier
}

// AppealNotifier is where deadline notices go: the workflow's
// notification list (*workflow.Store), read by people in the web UI. Both
// methods run in the sweep's transaction.
type AppealNotifier interface {
	NotifyAppeal(ctx context.Context, tx db.Execer, userID, appealID, kind, text string) error
	// UnitHeads are the chairmen nearest at or above a unit.
	UnitHeads(ctx context.Context, tx db.Execer, unitID string) ([]string, error)
}

// sweepBatch bounds the appeals one sweep notices of each kind; the rest
// wait for the next sweep.
const sweepBatch = 500

// SweepAppeals sends the deadline notices of open appeals: a reminder to
// the executors (responsible and co-executors) the day before the due
// date, and, once it has passed, an overdue notice to the executors and
// to the head of the appeal's organisation. Each is sent once per due date
// (a moved deadline is noticed again): the mark is set by a conditional
// UPDATE in the transaction that writes the notices, so of several nodes
// sweeping at once exactly one sends them. It returns how many notices
// it sent.
func (s *AppealNotices) SweepAppeals(ctx context.Context) (int, error) {
	if s.notifier == nil {
		return 0, nil
	}
	now := time.Now()
	today, tomorrow := now.Format(time.DateOnly), now.AddDate(0, 0, 1).Format(time.DateOnly)
	sent := 0
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, k := range []struct {
			kind, mark, cond, text string
			heads                  bool
		}{
			{"reminder", "reminded_for", "a.due_on = $1", "Срок обращения истекает завтра: ", false},
			{"overdue", "overdue_for", "a.due_on < $1", "Обращение просрочено: ", true},
		} {
			arg := today
			if k.kind == "reminder" {
				arg = tomorrow
			}
			due, err := dueAppeals(ctx, tx, `a.status IN ('new', 'in_progress', 'waiting') AND a.due_on <> '' AND `+k.cond+
				` AND a.`+k.mark+` <> a.due_on`, arg)
			if err != nil {
				return err
			}
			for _, a := range due {
				res, err := tx.ExecContext(ctx, `UPDATE crm_appeals SET `+k.mark+` = due_on WHERE id = $1 AND `+k.mark+` <> due_on`, a.id)
				if err != nil {
					return fmt.Errorf("crm: appeal notice mark: %w", err)
				}
				if n, _ := res.RowsAffected(); n != 1 {
					continue // another node sent it
				}
				n, err := s.noticeAppeal(ctx, tx, a, k.kind, k.text, k.heads)
				if err != nil {
					return err
				}
				sent += n
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("crm: appeal sweep: %w", err)
	}
	return sent, nil
}

type dueAppeal struct {
	id, number, subject, unitID, dueOn string
	executors                          []string
}

func dueAppeals(ctx context.Context, tx *sql.Tx, cond string, arg string) ([]dueAppeal, error) {
	rows, err := tx.QueryContext(ctx, `SELECT a.id, a.number, a.subject, a.unit_id, a.due_on, a.responsible_id FROM crm_appeals a
		WHERE `+cond+` ORDER BY a.due_on, a.id LIMIT `+fmt.Sprint(sweepBatch), arg)
	if err != nil {
		return nil, fmt.Errorf("crm: due appeals: %w", err)
	}
	var out []dueAppeal
	for rows.Next() {
		var a dueAppeal
		var resp string
		if err := rows.Scan(&a.id, &a.number, &a.subject, &a.unitID, &a.dueOn, &resp); err != nil {
			rows.Close()
			return nil, fmt.Errorf("crm: due appeals: %w", err)
		}
		if resp != "" {
			a.executors = []string{resp}
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("crm: due appeals: %w", err)
	}
	for i := range out {
		co, err := tx.QueryContext(ctx, `SELECT user_id FROM crm_appeal_executors WHERE appeal_id = $1 ORDER BY user_id`, out[i].id)
		if err != nil {
			return nil, fmt.Errorf("crm: due appeals: %w", err)
		}
		for co.Next() {
			var id string
			if err := co.Scan(&id); err != nil {
				co.Close()
				return nil, err
			}
			out[i].executors = append(out[i].executors, id)
		}
		co.Close()
		if err := co.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// noticeAppeal tells the executors (and the heads, for an overdue appeal)
// and writes the notice into the card's history.
func (s *AppealNotices) noticeAppeal(ctx context.Context, tx *sql.Tx, a dueAppeal, kind, prefix string, heads bool) (int, error) {
	to := append([]string{}, a.executors...)
	if heads {
		hs, err := s.notifier.UnitHeads(ctx, tx, a.unitID)
		if err != nil {
			return 0, err
		}
		for _, h := range hs {
			if !slices.Contains(to, h) {
				to = append(to, h)
			}
		}
	}
	due, _ := time.Parse(time.DateOnly, a.dueOn)
	text := prefix + a.number + " · " + a.subject + " (срок " + due.Format("02.01.2006") + ")"
	for _, u := range to {
		if err := s.notifier.NotifyAppeal(ctx, tx, u, a.id, kind, text); err != nil {
			return 0, err
		}
	}
	sys := access.System("deadline sweep")
	if err := insertAppealEvent(ctx, tx, sys, a.id, "notice", AppealEvent{Note: kind}); err != nil {
		return 0, err
	}
	return len(to), nil
}
