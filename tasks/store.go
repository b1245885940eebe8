package tasks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// person is what the rules need of a staff member.
type person struct {
	ID, Name, UnitID, UnitPath string
	Disabled                   bool
}

func personOf(ctx context.Context, q db.Execer, id string) (person, error) {
	var p person
	err := q.QueryRowContext(ctx, `SELECT us.id, us.full_name, us.unit_id, un.path, us.disabled
		FROM users us JOIN units un ON un.id = us.unit_id WHERE us.id = $1`, id).
		Scan(&p.ID, &p.Name, &p.UnitID, &p.UnitPath, &p.Disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return p, db.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("tasks: person: %w", err)
	}
	return p, nil
}

const taskColumns = `t.id, t.title, t.description, t.status, t.created_by, COALESCE(cr.full_name, ''), t.assignee_id,
	COALESCE(asg.full_name, ''), t.due_on, t.due_days, t.source_kind, t.source_id, t.source_title, t.created_at, t.updated_at, t.done_at,
	(SELECT COUNT(*) FROM task_checklist c WHERE c.task_id = t.id AND c.done),
	(SELECT COUNT(*) FROM task_checklist c WHERE c.task_id = t.id)`

const taskFrom = ` FROM tasks t LEFT JOIN users cr ON cr.id = t.created_by LEFT JOIN users asg ON asg.id = t.assignee_id`

func scanTask(row interface{ Scan(...any) error }) (Task, error) {
	var t Task
	var created, updated, done int64
	var kind, id, title string
	err := row.Scan(&t.ID, &t.Title, &t.Description, &t.Status, &t.CreatedBy.ID, &t.CreatedBy.Name, &t.Assignee.ID,
		&t.Assignee.Name, &t.DueOn, &t.DueDays, &kind, &id, &title, &created, &updated, &done, &t.ItemsDone, &t.ItemsTotal)
	if err != nil {
		return t, err
	}
	t.CreatedAt, t.UpdatedAt = db.Time(created), db.Time(updated)
	if done > 0 {
		t.DoneAt = db.Time(done)
	}
	if kind != "" {
		t.Source = &Source{Kind: kind, ID: id, Title: title, Link: sourceLink(kind, id)}
	}
	t.CoExecutors, t.Observers = []Person{}, []Person{}
	return t, nil
}

// sourceLink is where the thing a task came from opens (the other
// domains' pages; their paths are the web's, not their packages').
func sourceLink(kind, id string) string {
	switch kind {
	case FromAppeal:
		return "/appeals?id=" + id
	case FromDocument:
		return "/documents#doc/" + id
	case FromConversation:
		return "/inbox?c=" + id
	case FromEvent:
		return "/calendar#event/" + id
	}
	return ""
}

// load reads a task and its people, and the caller's role in it; a task
// the caller is no party to is db.ErrNotFound.
func (s *Service) load(ctx context.Context, q db.Execer, sc access.Scope, id string) (Task, error) {
	t, err := scanTask(q.QueryRowContext(ctx, `SELECT `+taskColumns+taskFrom+` WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, db.ErrNotFound
	}
	if err != nil {
		return t, fmt.Errorf("tasks: get: %w", err)
	}
	if err := s.fillPeople(ctx, q, []*Task{&t}); err != nil {
		return t, err
	}
	t.Role = roleOf(t, sc.UserID)
	if t.Role == "" {
		return Task{}, db.ErrNotFound // not a party: as if it did not exist
	}
	s.finish(&t, sc.UserID)
	return t, nil
}

// fillPeople reads the co-executors and observers of the tasks, a
// hundred tasks a query.
func (s *Service) fillPeople(ctx context.Context, q db.Execer, list []*Task) error {
	byID := make(map[string]*Task, len(list))
	for _, t := range list {
		byID[t.ID] = t
	}
	for start := 0; start < len(list); start += 100 {
		chunk := list[start:min(start+100, len(list))]
		marks, args := make([]string, len(chunk)), make([]any, len(chunk))
		for i, t := range chunk {
			marks[i], args[i] = fmt.Sprintf("$%d", i+1), t.ID
		}
		rows, err := q.QueryContext(ctx, `SELECT p.task_id, p.user_id, COALESCE(us.full_name, ''), p.role FROM task_people p
			LEFT JOIN users us ON us.id = p.user_id WHERE p.task_id IN (`+strings.Join(marks, ", ")+`) ORDER BY us.full_name, p.user_id`, args...)
		if err != nil {
			return fmt.Errorf("tasks: people: %w", err)
		}
		for rows.Next() {
			var p Person
			var taskID, role string
			if err := rows.Scan(&taskID, &p.ID, &p.Name, &role); err != nil {
				rows.Close()
				return err
			}
			if t := byID[taskID]; t != nil && role == RoleCo {
				t.CoExecutors = append(t.CoExecutors, p)
			} else if t != nil {
				t.Observers = append(t.Observers, p)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// roleOf is the strongest part a user plays in a task, or "".
func roleOf(t Task, userID string) string {
	switch {
	case userID == "":
		return ""
	case t.CreatedBy.ID == userID:
		return RoleCreator
	case t.Assignee.ID == userID:
		return RoleAssignee
	}
	for _, p := range t.CoExecutors {
		if p.ID == userID {
			return RoleCo
		}
	}
	for _, p := range t.Observers {
		if p.ID == userID {
			return RoleObserver
		}
	}
	return ""
}

// finish fills what a task's reader sees from its state: overdue and the
// actions open to them.
func (s *Service) finish(t *Task, userID string) {
	t.Overdue = t.Status != Done && t.DueOn < s.today()
	t.Actions = actionsFor(*t, userID)
}

// record writes a line of a task's history and touches the task.
func record(ctx context.Context, tx db.Execer, sc access.Scope, taskID, action, note string) error {
	now := db.Now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO task_history (id, task_id, user_id, action, note, at) VALUES ($1, $2, $3, $4, $5, $6)`,
		uuid.Must(uuid.NewV7()).String(), taskID, sc.UserID, action, note, now); err != nil {
		return fmt.Errorf("tasks: history: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tasks SET updated_at = $2 WHERE id = $1`, taskID, now); err != nil {
		return fmt.Errorf("tasks: touch: %w", err)
	}
	return nil
}
