package workflow

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/security/access"
)

// RemindBefore is how long before a task's deadline its holder is reminded.
const RemindBefore = 24 * time.Hour

// Deadlines watches task deadlines: reminders, overdue notices and
// escalation, then the pending task e-mails (Mail).
type Deadlines struct {
	*core
	mail *Mail
}

// Sweep reminds the holders of tasks due within RemindBefore and, for tasks
// past their deadline, tells the holder and escalates to the chairman of the
// document's unit. Each task is reminded and escalated once; the marks are
// set in the same transaction as the notifications, so several nodes
// sweeping at once notify once. It returns how many notices it sent.
func (s *Deadlines) Sweep(ctx context.Context) (int, error) {
	now := s.nowMillis()
	type due struct{ id, docID, assignee, number, title, unitID string }
	sent := 0
	load := func(tx *sql.Tx, q string, args ...any) ([]due, error) {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.id, &d.docID, &d.assignee, &d.number, &d.title, &d.unitID); err != nil {
				return nil, err
			}
			out = append(out, d)
		}
		return out, rows.Err()
	}
	const sel = `SELECT t.id, t.document_id, t.assignee_id, d.number, d.title, d.unit_id FROM wf_tasks t JOIN wf_documents d ON d.id = t.document_id
		WHERE t.status = 'open' AND t.deadline > 0 `
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		soon, err := load(tx, sel+`AND t.reminded_at = 0 AND t.deadline >= $1 AND t.deadline < $2 LIMIT 500`, now, now+RemindBefore.Milliseconds())
		if err != nil {
			return err
		}
		for _, d := range soon {
			res, err := tx.ExecContext(ctx, `UPDATE wf_tasks SET reminded_at = $1 WHERE id = $2 AND reminded_at = 0`, now, d.id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				if err := s.notify(ctx, tx, d.assignee, d.docID, "reminder", "Срок истекает: "+d.number+" · "+d.title, now); err != nil {
					return err
				}
				if err := s.alert(ctx, tx, Alert{Key: "wf-tomorrow:" + d.id, UserID: d.assignee, Kind: AlertTomorrow,
					Text: d.number + " · " + d.title, Link: DocumentLink(d.docID)}); err != nil {
					return err
				}
				sent++
			}
		}
		late, err := load(tx, sel+`AND t.escalated_at = 0 AND t.deadline < $1 LIMIT 500`, now)
		if err != nil {
			return err
		}
		for _, d := range late {
			res, err := tx.ExecContext(ctx, `UPDATE wf_tasks SET escalated_at = $1 WHERE id = $2 AND escalated_at = 0`, now, d.id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				continue
			}
			if err := s.notify(ctx, tx, d.assignee, d.docID, "overdue", "Просрочено: "+d.number+" · "+d.title, now); err != nil {
				return err
			}
			if err := s.alert(ctx, tx, Alert{Key: "wf-overdue:" + d.id, UserID: d.assignee, Kind: AlertOverdue,
				Text: d.number + " · " + d.title, Link: DocumentLink(d.docID)}); err != nil {
				return err
			}
			sent++
			doc := Document{DocumentInput: DocumentInput{UnitID: d.unitID}}
			chairs, err := actorUsers(ctx, tx, Actor{Role: access.Chairman}, &doc, nil)
			if err != nil {
				continue // no chairman above: the holder's notice is all there is
			}
			for _, c := range chairs {
				if c == d.assignee {
					continue
				}
				if err := s.notify(ctx, tx, c, d.docID, "overdue", "Просрочено исполнителем: "+d.number+" · "+d.title, now); err != nil {
					return err
				}
				if err := s.alert(ctx, tx, Alert{Key: "wf-overdue:" + d.id, UserID: c, Kind: AlertOverdue,
					Text: d.number + " · " + d.title, Link: DocumentLink(d.docID)}); err != nil {
					return err
				}
				sent++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("workflow: sweep: %w", err)
	}
	if err := s.mail.mailTasks(ctx); err != nil {
		s.log.Warn("task e-mails not sent", "err", err)
	}
	return sent, nil
}
