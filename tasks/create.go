package tasks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Input is a new task. The deadline is DueOn (a date) or DueDays working
// days from today, not both.
type Input struct {
	Title         string   `json:"title"`
	Description   string   `json:"description"`
	AssigneeID    string   `json:"assignee_id"`
	CoExecutorIDs []string `json:"co_executor_ids"`
	ObserverIDs   []string `json:"observer_ids"`
	DueOn         string   `json:"due_on"`
	DueDays       int      `json:"due_days"`
	Checklist     []string `json:"checklist"`
	SourceKind    string   `json:"source_kind"`
	SourceID      string   `json:"source_id"`
}

// ruDate shows a stored date as people read it (DD.MM.YYYY).
func ruDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("02.01.2006")
}

func (in *Input) normalize(today string) error {
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	if in.Title == "" {
		return valid.Keyed("title", "task", "task_title", "the task needs a title")
	}
	if len([]rune(in.Title)) > MaxTitle {
		return valid.Keyed("title", "task", "task_title_long", "the title must be at most %d characters", MaxTitle)
	}
	if len([]rune(in.Description)) > MaxText {
		return valid.Keyed("description", "task", "task_text_long", "the text must be at most %d characters", MaxText)
	}
	if in.AssigneeID == "" {
		return valid.Keyed("assignee_id", "task", "task_assignee", "choose who carries the task out")
	}
	switch {
	case in.DueOn != "" && in.DueDays != 0, in.DueOn == "" && in.DueDays == 0:
		return valid.Keyed("due_on", "task", "task_due", "give the deadline as a date or as a number of working days")
	case in.DueDays < 0 || in.DueDays > MaxDays:
		return valid.Keyed("due_days", "task", "task_due_days", "the deadline is 1 to %d working days", MaxDays)
	case in.DueOn != "":
		if _, err := time.Parse(time.DateOnly, in.DueOn); err != nil {
			return valid.Keyed("due_on", "task", "task_due", "give the deadline as a date or as a number of working days")
		}
		if in.DueOn < today {
			return valid.Keyed("due_on", "task", "task_due_past", "the deadline %s has passed", ruDate(in.DueOn))
		}
	}
	items := in.Checklist[:0]
	for _, it := range in.Checklist {
		if it = strings.TrimSpace(it); it != "" {
			if len([]rune(it)) > MaxTitle {
				return valid.Keyed("checklist", "task", "task_item_long", "a checklist item must be at most %d characters", MaxTitle)
			}
			items = append(items, it)
		}
	}
	in.Checklist = items
	if len(in.Checklist) > MaxItems || len(in.CoExecutorIDs)+len(in.ObserverIDs) > MaxPeople {
		return valid.Keyed("checklist", "task", "task_too_many", "a task has at most %d checklist items and %d people", MaxItems, MaxPeople)
	}
	if (in.SourceKind == "") != (in.SourceID == "") || (in.SourceKind != "" && !slices.Contains(SourceKinds, in.SourceKind)) {
		return valid.Keyed("source_kind", "task", "task_source", "a task comes from an appeal, a document, a conversation or an event")
	}
	return nil
}

// Create sets a task. The assignee, co-executors and observers must be
// active staff in the caller's units; the source, when given, one the
// caller may see. Refused input changes nothing.
func (s *Service) Create(ctx context.Context, sc access.Scope, in Input) (Task, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return Task{}, err
	}
	if err := in.normalize(s.today()); err != nil {
		return Task{}, err
	}
	if in.DueDays > 0 {
		in.DueOn = s.dueIn(in.DueDays)
	}
	var srcTitle string
	if in.SourceKind != "" {
		if s.deps.Sources == nil {
			return Task{}, valid.Keyed("source_kind", "task", "task_source", "a task comes from an appeal, a document, a conversation or an event")
		}
		var err error
		if srcTitle, _, err = s.deps.Sources.Source(ctx, sc, in.SourceKind, in.SourceID); err != nil {
			if errors.Is(err, db.ErrNotFound) || errors.Is(err, access.ErrForbidden) {
				return Task{}, valid.Refuse(db.ErrNotFound, "task_source_missing", "what the task comes from was not found")
			}
			return Task{}, err
		}
	}
	id := uuid.Must(uuid.NewV7()).String()
	var assignee person
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if assignee, err = s.party(ctx, tx, sc, in.AssigneeID); err != nil {
			return err
		}
		people := map[string]string{}
		for role, ids := range map[string][]string{RoleObserver: in.ObserverIDs, RoleCo: in.CoExecutorIDs} {
			for _, pid := range ids {
				if pid == in.AssigneeID || pid == sc.UserID {
					continue
				}
				if _, err := s.party(ctx, tx, sc, pid); err != nil {
					return err
				}
				if people[pid] != RoleCo { // a co-executor listed as an observer too stays a co-executor
					people[pid] = role
				}
			}
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO tasks (id, title, description, created_by, assignee_id, status, due_on, due_days,
			source_kind, source_id, source_title, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
			id, in.Title, in.Description, sc.UserID, assignee.ID, StatusNew, in.DueOn, in.DueDays, in.SourceKind, in.SourceID, srcTitle, now); err != nil {
			return fmt.Errorf("tasks: insert: %w", err)
		}
		for pid, role := range people {
			if _, err := tx.ExecContext(ctx, `INSERT INTO task_people (task_id, user_id, role) VALUES ($1, $2, $3)`, id, pid, role); err != nil {
				return fmt.Errorf("tasks: people: %w", err)
			}
		}
		for i, text := range in.Checklist {
			if err := insertItem(ctx, tx, id, i, text); err != nil {
				return err
			}
		}
		if err := record(ctx, tx, sc, id, "created", assignee.Name); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, sc, audit.Entry{Action: "task.create", ObjectType: "task", ObjectID: id, UnitID: assignee.UnitID,
			Details: map[string]any{"assignee_id": assignee.ID, "due_on": in.DueOn, "source": in.SourceKind + ":" + in.SourceID}}); err != nil {
			return err
		}
		for pid := range people {
			if err := s.alert(ctx, tx, sc, pid, "assigned:"+id, AlertAssigned, in.Title, id); err != nil {
				return err
			}
		}
		return s.alert(ctx, tx, sc, assignee.ID, "assigned:"+id, AlertAssigned, in.Title+" · "+ruDate(in.DueOn), id)
	})
	if err != nil {
		return Task{}, err
	}
	return s.Get(ctx, sc, id)
}

// dueIn is the day n working days after today, by the production
// calendar; without one, n days.
func (s *Service) dueIn(n int) string {
	now := s.now().In(s.zone)
	if s.deps.Calendar == nil {
		return now.AddDate(0, 0, n).Format(time.DateOnly)
	}
	return s.deps.Calendar.AddWorkingDays(now, n).Format(time.DateOnly)
}

// party checks a person the caller names in a task: active staff of the
// caller's units.
func (s *Service) party(ctx context.Context, tx db.Execer, sc access.Scope, id string) (person, error) {
	p, err := personOf(ctx, tx, id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && !sc.Covers(p.UnitPath) && p.ID != sc.UserID) {
		return p, valid.Refuse(access.ErrForbidden, "task_scope", "you may give tasks only to people of your units")
	}
	if err != nil {
		return p, err
	}
	if p.Disabled {
		return p, valid.Refuse(db.ErrConflict, "task_disabled", "%s is disabled and cannot take part in tasks", p.Name)
	}
	return p, nil
}

func insertItem(ctx context.Context, tx db.Execer, taskID string, pos int, text string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO task_checklist (id, task_id, position, text) VALUES ($1, $2, $3, $4)`,
		uuid.Must(uuid.NewV7()).String(), taskID, pos, text)
	if err != nil {
		return fmt.Errorf("tasks: checklist: %w", err)
	}
	return nil
}

// alert tells a person of a task (nothing without the notification centre,
// and never the caller of their own doing).
func (s *Service) alert(ctx context.Context, tx db.Execer, sc access.Scope, userID, key, kind, text, taskID string) error {
	if s.deps.Alerts == nil || userID == "" || userID == sc.UserID {
		return nil
	}
	return s.deps.Alerts.Alert(ctx, tx, Alert{Key: key, UserID: userID, Kind: kind, Text: text, Link: Link(taskID)})
}
