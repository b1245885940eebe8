package tasks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Actions a party may take, as Task.Actions names them.
const (
	ActStart   = "start"   // the assignee: new or returned → in progress
	ActSubmit  = "submit"  // the assignee: in progress → awaiting check
	ActAccept  = "accept"  // who set it: awaiting check → done
	ActReturn  = "return"  // who set it: awaiting check → returned, with a comment
	ActComment = "comment" // who set it, the assignee, co-executors
	ActCheck   = "check"   // tick checklist items: the same, until done
	ActAttach  = "attach"  // add files: the same, until done
	ActAddItem = "add_item"
)

// moves are the status changes: the action, who may take it, from where
// and to where.
var moves = map[string]struct {
	creator bool // else the assignee
	from    []string
	to      string
}{
	ActStart:  {false, []string{StatusNew, Returned}, InProgress},
	ActSubmit: {false, []string{InProgress}, AwaitsCheck},
	ActAccept: {true, []string{AwaitsCheck}, Done},
	ActReturn: {true, []string{AwaitsCheck}, Returned},
}

// actionsFor lists what userID may do with t now.
func actionsFor(t Task, userID string) []string {
	out := []string{}
	for _, a := range []string{ActStart, ActSubmit, ActAccept, ActReturn} {
		m := moves[a]
		who := t.Assignee.ID
		if m.creator {
			who = t.CreatedBy.ID
		}
		if who == userID && contains(m.from, t.Status) {
			out = append(out, a)
		}
	}
	if works(t, userID) {
		out = append(out, ActComment)
		if t.Status != Done {
			out = append(out, ActCheck, ActAttach)
			if userID == t.CreatedBy.ID || userID == t.Assignee.ID {
				out = append(out, ActAddItem)
			}
		}
	}
	return out
}

// works: who set the task, its assignee and co-executors work on it;
// observers only read.
func works(t Task, userID string) bool {
	r := roleOf(t, userID)
	return r == RoleCreator || r == RoleAssignee || r == RoleCo || userID == t.Assignee.ID
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func can(t Task, action string) bool { return contains(t.Actions, action) }

// Get returns a task's card: the task, its checklist, comments, files and
// history; to the one who set it, whether the assignee is away.
func (s *Service) Get(ctx context.Context, sc access.Scope, id string) (Task, error) {
	t, err := s.load(ctx, s.db, sc, id)
	if err != nil {
		return t, err
	}
	if err := s.fillCard(ctx, &t); err != nil {
		return t, err
	}
	if t.Role == RoleCreator && t.Status != Done && t.Assignee.ID != sc.UserID {
		t.Absent = s.absent(ctx, t.Assignee.ID)
	}
	return t, nil
}

// absent asks the absences whether a person is away today; a failure is
// logged and shows nothing.
func (s *Service) absent(ctx context.Context, userID string) *Absent {
	if s.deps.Absences == nil {
		return nil
	}
	kind, until, err := s.deps.Absences.AbsentNow(ctx, userID)
	if err != nil {
		s.log.Warn("absence of an assignee not read", "user", userID, "err", err)
		return nil
	}
	if kind == "" {
		return nil
	}
	return &Absent{Kind: kind, Until: until}
}

// Act moves a task: start, submit, accept or return (with a comment).
func (s *Service) Act(ctx context.Context, sc access.Scope, id, action, comment string) (Task, error) {
	m, ok := moves[action]
	if !ok {
		return Task{}, db.ErrNotFound
	}
	comment = strings.TrimSpace(comment)
	if action == ActReturn && comment == "" {
		return Task{}, valid.Keyed("comment", "task", "task_return_comment", "say why the task is returned")
	}
	if len([]rune(comment)) > MaxText {
		return Task{}, valid.Keyed("comment", "task", "task_text_long", "the text must be at most %d characters", MaxText)
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, err := s.load(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if !can(t, action) {
			return refuseMove(t, sc, m.creator)
		}
		done := int64(0)
		if m.to == Done {
			done = db.Now()
		}
		res, err := tx.ExecContext(ctx, `UPDATE tasks SET status = $3, done_at = $4 WHERE id = $1 AND status = $2`, id, t.Status, m.to, done)
		if err != nil {
			return fmt.Errorf("tasks: status: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return valid.Refuse(db.ErrConflict, "task_state", "the task has changed meanwhile; reload it")
		}
		if comment != "" {
			if err := insertComment(ctx, tx, sc, id, comment); err != nil {
				return err
			}
		}
		if err := record(ctx, tx, sc, id, action, comment); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, sc, audit.Entry{Action: "task." + action, ObjectType: "task", ObjectID: id,
			Details: map[string]any{"from": t.Status, "to": m.to}}); err != nil {
			return err
		}
		to := t.CreatedBy.ID
		if m.creator {
			to = t.Assignee.ID
		}
		if action == ActStart {
			return nil // starting is no news to anyone
		}
		return s.alert(ctx, tx, sc, to, action+":"+id+":"+fmt.Sprint(db.Now()), AlertChanged, t.Title, id)
	})
	if err != nil {
		return Task{}, err
	}
	return s.Get(ctx, sc, id)
}

// refuseMove says why a party may not take a status action now.
func refuseMove(t Task, sc access.Scope, creator bool) error {
	if creator && t.CreatedBy.ID != sc.UserID {
		return valid.Refuse(access.ErrForbidden, "task_not_creator", "only %s, who set the task, accepts or returns it", t.CreatedBy.Name)
	}
	if !creator && t.Assignee.ID != sc.UserID {
		return valid.Refuse(access.ErrForbidden, "task_not_assignee", "only the assignee, %s, starts the task and submits it for check", t.Assignee.Name)
	}
	return valid.Refuse(db.ErrConflict, "task_state", "the task has changed meanwhile; reload it")
}

// Comment adds a comment: who set the task, the assignee, co-executors.
func (s *Service) Comment(ctx context.Context, sc access.Scope, id, text string) (Task, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Task{}, valid.Keyed("text", "task", "task_comment_empty", "write the comment")
	}
	if len([]rune(text)) > MaxText {
		return Task{}, valid.Keyed("text", "task", "task_text_long", "the text must be at most %d characters", MaxText)
	}
	return s.change(ctx, sc, id, ActComment, func(tx *sql.Tx, t Task) error {
		if err := insertComment(ctx, tx, sc, id, text); err != nil {
			return err
		}
		return record(ctx, tx, sc, id, "commented", text)
	})
}

// AddItem adds a checklist item: who set the task or the assignee.
func (s *Service) AddItem(ctx context.Context, sc access.Scope, id, text string) (Task, error) {
	text = strings.TrimSpace(text)
	if text == "" || len([]rune(text)) > MaxTitle {
		return Task{}, valid.Keyed("text", "task", "task_item_long", "a checklist item must be at most %d characters", MaxTitle)
	}
	return s.change(ctx, sc, id, ActAddItem, func(tx *sql.Tx, t Task) error {
		if t.ItemsTotal >= MaxItems {
			return valid.Keyed("checklist", "task", "task_too_many", "a task has at most %d checklist items and %d people", MaxItems, MaxPeople)
		}
		if err := insertItem(ctx, tx, id, t.ItemsTotal, text); err != nil {
			return err
		}
		return record(ctx, tx, sc, id, "item_added", text)
	})
}

// Tick sets a checklist item done or not.
func (s *Service) Tick(ctx context.Context, sc access.Scope, id, itemID string, done bool) (Task, error) {
	return s.change(ctx, sc, id, ActCheck, func(tx *sql.Tx, t Task) error {
		var text string
		err := tx.QueryRowContext(ctx, `SELECT text FROM task_checklist WHERE id = $1 AND task_id = $2`, itemID, id).Scan(&text)
		if errors.Is(err, sql.ErrNoRows) {
			return db.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("tasks: item: %w", err)
		}
		by, at, action := sc.UserID, db.Now(), "item_done"
		if !done {
			by, at, action = "", 0, "item_undone"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE task_checklist SET done = $3, done_by = $4, done_at = $5 WHERE id = $1 AND task_id = $2`,
			itemID, id, done, by, at); err != nil {
			return fmt.Errorf("tasks: tick: %w", err)
		}
		return record(ctx, tx, sc, id, action, text)
	})
}

// change runs fn on a task the caller may take action on, in one
// transaction, and returns the card.
func (s *Service) change(ctx context.Context, sc access.Scope, id, action string, fn func(*sql.Tx, Task) error) (Task, error) {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, err := s.load(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if !can(t, action) {
			if t.Status == Done && action != ActComment {
				return valid.Refuse(db.ErrConflict, "task_done", "the task is done")
			}
			if t.Role == RoleObserver {
				return valid.Refuse(access.ErrForbidden, "task_observer", "observers only read the task")
			}
			return valid.Refuse(access.ErrForbidden, "task_not_allowed", "only who set the task or its assignee may do that")
		}
		return fn(tx, t)
	})
	if err != nil {
		return Task{}, err
	}
	return s.Get(ctx, sc, id)
}
