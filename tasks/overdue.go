package tasks

import (
	"context"
	"fmt"
)

// Sweep tells the assignee and the one who set it of each task whose
// deadline has passed undone, once per deadline: overdue_on keeps the
// deadline already reported (and the notices' keys carry it, so two nodes
// sweeping at once still tell each person once). It returns how many
// tasks it reported.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	today := s.today()
	rows, err := s.db.QueryContext(ctx, `SELECT id, title, created_by, assignee_id, due_on FROM tasks
		WHERE status <> 'done' AND due_on < $1 AND overdue_on <> due_on ORDER BY due_on LIMIT 500`, today)
	if err != nil {
		return 0, fmt.Errorf("tasks: overdue: %w", err)
	}
	type due struct{ id, title, creator, assignee, on string }
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.title, &d.creator, &d.assignee, &d.on); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, d := range list {
		if s.deps.Alerts != nil {
			for _, to := range []string{d.assignee, d.creator} {
				if err := s.deps.Alerts.Alert(ctx, nil, Alert{Key: "task-overdue:" + d.id + ":" + d.on, UserID: to, Kind: AlertOverdue,
					Text: d.title + " · " + ruDate(d.on), Link: Link(d.id)}); err != nil {
					return n, err
				}
			}
		}
		if _, err := s.db.ExecContext(ctx, `UPDATE tasks SET overdue_on = $2 WHERE id = $1`, d.id, d.on); err != nil {
			return n, fmt.Errorf("tasks: overdue mark: %w", err)
		}
		n++
	}
	return n, nil
}

// Work is an open task of a person and who set it (for the absences,
// which tell whoever set an absent person's work).
type Work struct {
	TaskID, Title, AssignedBy string
}

// OpenWorkOf lists the tasks a person carries out that are not done.
func (s *Service) OpenWorkOf(ctx context.Context, userID string) ([]Work, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, title, created_by FROM tasks WHERE assignee_id = $1 AND status <> 'done'
		ORDER BY due_on LIMIT 200`, userID)
	if err != nil {
		return nil, fmt.Errorf("tasks: open work: %w", err)
	}
	defer rows.Close()
	var out []Work
	for rows.Next() {
		var w Work
		if err := rows.Scan(&w.TaskID, &w.Title, &w.AssignedBy); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
