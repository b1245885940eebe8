package workflow

import (
	"context"
	"fmt"
)

// OpenWork is one open task of a person and who gave it to them.
type OpenWork struct {
	TaskID     string
	DocumentID string
	Text       string // "ВХ-12 · О проверке · Исполнение"
	AssignedBy string // user id
}

// OpenWorkOf lists a person's open tasks with the person who gave each:
// whoever made the decision that created it (the latest history entry of
// the document at or before the task by someone else), or else the
// document's registrar. The absences tell those people that the assignee
// is away.
func (t *Tasks) OpenWorkOf(ctx context.Context, userID string) ([]OpenWork, error) {
	rows, err := t.db.QueryContext(ctx, `SELECT tk.id, d.id, d.number, d.title, tk.step, d.created_by,
		COALESCE((SELECT e.actor_id FROM wf_events e WHERE e.document_id = d.id AND e.at <= tk.created_at
			AND e.actor_id <> '' AND e.actor_id <> tk.assignee_id ORDER BY e.at DESC, e.id DESC LIMIT 1), '')
		FROM wf_tasks tk JOIN wf_documents d ON d.id = tk.document_id
		WHERE tk.assignee_id = $1 AND tk.status = 'open' ORDER BY tk.deadline LIMIT 500`, userID)
	if err != nil {
		return nil, fmt.Errorf("workflow: open work: %w", err)
	}
	defer rows.Close()
	var out []OpenWork
	for rows.Next() {
		var w OpenWork
		var number, title, step, creator, decider string
		if err := rows.Scan(&w.TaskID, &w.DocumentID, &number, &title, &step, &creator, &decider); err != nil {
			return nil, fmt.Errorf("workflow: open work: %w", err)
		}
		w.Text, w.AssignedBy = number+" · "+title, decider
		if w.AssignedBy == "" {
			w.AssignedBy = creator
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
