package tasks

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// fillCard reads what only the card shows: the checklist, comments, files
// and history, with people by full name.
func (s *Service) fillCard(ctx context.Context, t *Task) error {
	t.Checklist, t.Comments, t.Files, t.History = []Item{}, []Comment{}, []File{}, []Change{}
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.text, c.done, COALESCE(us.full_name, ''), c.done_at FROM task_checklist c
		LEFT JOIN users us ON us.id = c.done_by WHERE c.task_id = $1 ORDER BY c.position, c.id`, t.ID)
	if err != nil {
		return fmt.Errorf("tasks: checklist: %w", err)
	}
	for rows.Next() {
		var it Item
		var at int64
		if err := rows.Scan(&it.ID, &it.Text, &it.Done, &it.DoneBy, &at); err != nil {
			rows.Close()
			return err
		}
		if at > 0 {
			it.DoneAt = db.Time(at)
		}
		t.Checklist = append(t.Checklist, it)
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, `SELECT c.id, COALESCE(us.full_name, ''), c.text, c.created_at FROM task_comments c
		LEFT JOIN users us ON us.id = c.author_id WHERE c.task_id = $1 ORDER BY c.created_at, c.id LIMIT 1000`, t.ID)
	if err != nil {
		return fmt.Errorf("tasks: comments: %w", err)
	}
	for rows.Next() {
		var c Comment
		var at int64
		if err := rows.Scan(&c.ID, &c.Author, &c.Text, &at); err != nil {
			rows.Close()
			return err
		}
		c.At = db.Time(at)
		t.Comments = append(t.Comments, c)
	}
	rows.Close()
	if t.Files, err = s.files(ctx, t.ID); err != nil {
		return err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT COALESCE(us.full_name, ''), h.action, h.note, h.at FROM task_history h
		LEFT JOIN users us ON us.id = h.user_id WHERE h.task_id = $1 ORDER BY h.at, h.id LIMIT 2000`, t.ID)
	if err != nil {
		return fmt.Errorf("tasks: history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Change
		var at int64
		if err := rows.Scan(&c.Who, &c.Action, &c.Note, &at); err != nil {
			return err
		}
		c.At = db.Time(at)
		t.History = append(t.History, c)
	}
	return rows.Err()
}

func insertComment(ctx context.Context, tx db.Execer, sc access.Scope, taskID, text string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO task_comments (id, task_id, author_id, text, created_at) VALUES ($1, $2, $3, $4, $5)`,
		uuid.Must(uuid.NewV7()).String(), taskID, sc.UserID, text, db.Now())
	if err != nil {
		return fmt.Errorf("tasks: comment: %w", err)
	}
	return nil
}
