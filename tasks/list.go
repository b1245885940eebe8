package tasks

import (
	"context"
	"fmt"
	"strings"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
)

// Lists of tasks, as Filter.View names them.
const (
	ViewMine     = "mine"     // the caller carries them out (assignee or co-executor)
	ViewAssigned = "assigned" // the caller set them
	ViewWatching = "watching" // the caller observes them
)

// Filter narrows a list. Source ("document:ID") lists the tasks of one
// source the caller is party to, whatever the view.
type Filter struct {
	View    string
	Status  string
	Overdue bool
	From    string // deadline on or after, YYYY-MM-DD
	To      string // deadline on or before
	Text    string // in the title or the description, any case
	Source  string
}

// MaxList bounds one list.
const MaxList = 500

// List returns the caller's tasks by the filter, the nearest deadline
// first, done ones last.
func (s *Service) List(ctx context.Context, sc access.Scope, f Filter) ([]Task, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return nil, err
	}
	where, args := `(t.assignee_id = $1 OR t.id IN (SELECT task_id FROM task_people WHERE user_id = $1 AND role = 'co'))`, []any{sc.UserID}
	switch {
	case f.Source != "":
		kind, id, _ := strings.Cut(f.Source, ":")
		where = `t.source_kind = $2 AND t.source_id = $3 AND (t.created_by = $1 OR t.assignee_id = $1
			OR t.id IN (SELECT task_id FROM task_people WHERE user_id = $1))`
		args = append(args, kind, id)
	case f.View == ViewAssigned:
		where = `t.created_by = $1`
	case f.View == ViewWatching:
		where = `t.id IN (SELECT task_id FROM task_people WHERE user_id = $1 AND role = 'observer')`
	case f.View == "" || f.View == ViewMine:
	default:
		return nil, valid.Keyed("view", "task", "task_view", "the list is mine, assigned or watching")
	}
	if f.Status != "" {
		if !contains([]string{StatusNew, InProgress, AwaitsCheck, Done, Returned}, f.Status) {
			return nil, valid.Keyed("status", "task", "task_status", "unknown status")
		}
		args = append(args, f.Status)
		where += fmt.Sprintf(` AND t.status = $%d`, len(args))
	}
	if f.Overdue {
		args = append(args, s.today())
		where += fmt.Sprintf(` AND t.status <> 'done' AND t.due_on < $%d`, len(args))
	}
	if f.From != "" {
		args = append(args, f.From)
		where += fmt.Sprintf(` AND t.due_on >= $%d`, len(args))
	}
	if f.To != "" {
		args = append(args, f.To)
		where += fmt.Sprintf(` AND t.due_on <= $%d`, len(args))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+taskColumns+taskFrom+` WHERE `+where+`
		ORDER BY CASE WHEN t.status = 'done' THEN 1 ELSE 0 END, t.due_on, t.created_at DESC LIMIT 2000`, args...)
	if err != nil {
		return nil, fmt.Errorf("tasks: list: %w", err)
	}
	var list []*Task
	text := strings.ToLower(strings.TrimSpace(f.Text))
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("tasks: list: %w", err)
		}
		// Cyrillic case folding is Go's: SQLite's lower() knows only ASCII.
		if text != "" && !strings.Contains(strings.ToLower(t.Title+"\n"+t.Description), text) {
			continue
		}
		list = append(list, &t)
		if len(list) == MaxList {
			break
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := s.fillPeople(ctx, s.db, list); err != nil {
		return nil, err
	}
	out := make([]Task, 0, len(list))
	for _, t := range list {
		t.Role = roleOf(*t, sc.UserID)
		s.finish(t, sc.UserID)
		if t.Role == RoleCreator && t.Status != Done && t.Assignee.ID != sc.UserID {
			t.Absent = s.absent(ctx, t.Assignee.ID)
		}
		out = append(out, *t)
	}
	return out, nil
}
