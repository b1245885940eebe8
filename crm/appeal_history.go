package crm

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// AppealEvent is one line of an appeal card's history. Changes maps a
// field to its old and new value as shown to people (names, not ids);
// long texts are only marked as changed (both values null).
type AppealEvent struct {
	ID        string            `json:"id"`
	At        time.Time         `json:"at"`
	ActorID   string            `json:"actor_id,omitempty"`
	ActorName string            `json:"actor_name"`
	Action    string            `json:"action"` // create | update | comment | file | notice
	Changes   map[string][2]any `json:"changes,omitempty"`
	Note      string            `json:"note,omitempty"` // a file's name, a notice's kind
}

func addAppealEvent(ctx context.Context, tx db.Execer, sc access.Scope, appealID, action string, changes map[string][2]any) error {
	return insertAppealEvent(ctx, tx, sc, appealID, action, AppealEvent{Changes: changes})
}

func insertAppealEvent(ctx context.Context, tx db.Execer, sc access.Scope, appealID, action string, e AppealEvent) error {
	details, _ := json.Marshal(map[string]any{"changes": e.Changes, "note": e.Note})
	name := sc.UserName
	if name == "" {
		name = "system"
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO crm_appeal_events (id, appeal_id, at, actor_id, actor_name, action, details)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, uuid.Must(uuid.NewV7()).String(), appealID, db.Now(), sc.UserID, name, action, string(details)); err != nil {
		return fmt.Errorf("crm: appeal history: %w", err)
	}
	return nil
}

// appealChanges compares two versions of an appeal's fields for the
// history. Ids are turned into names as the card shows them.
func appealChanges(ctx context.Context, q db.Execer, old, cur AppealInput) map[string][2]any {
	out := map[string][2]any{}
	plain := map[string][2]any{"channel": {old.Channel, cur.Channel}, "topic": {old.Topic, cur.Topic},
		"subject": {old.Subject, cur.Subject}, "status": {string(old.Status), string(cur.Status)},
		"priority": {old.Priority, cur.Priority}, "due_on": {old.DueOn, cur.DueOn}}
	for k, v := range plain {
		if v[0] != v[1] {
			out[k] = v
		}
	}
	// Personal and long texts: that they changed, not what they say.
	for k, v := range map[string][2]string{"text": {old.Text, cur.Text}, "resolution": {old.Resolution, cur.Resolution},
		"applicant": {old.Applicant, cur.Applicant}, "member": {old.MemberID, cur.MemberID}} {
		if v[0] != v[1] {
			out[k] = [2]any{nil, nil}
		}
	}
	named := func(key, table, col string, a, b string) {
		if a != b {
			out[key] = [2]any{nameOf(ctx, q, table, col, a), nameOf(ctx, q, table, col, b)}
		}
	}
	// Custom fields by key, with their values (like the plain fields).
	shown := CustomTexts(Member{MemberInput: MemberInput{Custom: old.Custom}})
	now := CustomTexts(Member{MemberInput: MemberInput{Custom: cur.Custom}})
	for k, v := range now {
		if shown[k] != v {
			out["custom."+k] = [2]any{shown[k], v}
		}
	}
	for k, v := range shown {
		if _, ok := now[k]; !ok {
			out["custom."+k] = [2]any{v, ""}
		}
	}
	named("unit", "units", "name", old.UnitID, cur.UnitID)
	named("category", "crm_appeal_categories", "name", old.CategoryID, cur.CategoryID)
	named("responsible", "users", "full_name", old.ResponsibleID, cur.ResponsibleID)
	if !slices.Equal(old.CoExecutorIDs, cur.CoExecutorIDs) {
		names := func(ids []string) string {
			var n []string
			for _, id := range ids {
				n = append(n, nameOf(ctx, q, "users", "full_name", id))
			}
			return strings.Join(n, ", ")
		}
		out["co_executors"] = [2]any{names(old.CoExecutorIDs), names(cur.CoExecutorIDs)}
	}
	return out
}

// nameOf reads a display name for the history; the table and column are
// the caller's constants, never input.
func nameOf(ctx context.Context, q db.Execer, table, col, id string) string {
	if id == "" {
		return ""
	}
	var name string
	if err := q.QueryRowContext(ctx, `SELECT `+col+` FROM `+table+` WHERE id = $1`, id).Scan(&name); err != nil {
		return id
	}
	return name
}

// AppealHistory returns the history of an appeal the caller may see,
// oldest first.
func (s *AppealDetails) AppealHistory(ctx context.Context, sc access.Scope, appealID string) ([]AppealEvent, error) {
	if _, err := s.appeals.GetAppeal(ctx, sc, appealID); err != nil {
		return nil, err
	}
	// People by their full name, as every history shows them; the
	// recorded name (a login, "system") when the actor is no user.
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.at, e.actor_id, `+audit.ActorSQL("e.actor_id", "e.actor_name")+`, e.action, e.details
		FROM crm_appeal_events e
		WHERE e.appeal_id = $1 ORDER BY e.id LIMIT 1000`, appealID)
	if err != nil {
		return nil, fmt.Errorf("crm: appeal history: %w", err)
	}
	defer rows.Close()
	out := []AppealEvent{}
	for rows.Next() {
		var e AppealEvent
		var at int64
		var details, full string
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &full, &e.ActorName, &e.Action, &details); err != nil {
			return nil, fmt.Errorf("crm: appeal history: %w", err)
		}
		e.At, e.ActorName = db.Time(at), audit.Actor(full, e.ActorName)
		var d struct {
			Changes map[string][2]any `json:"changes"`
			Note    string            `json:"note"`
		}
		if err := json.Unmarshal([]byte(details), &d); err != nil {
			return nil, fmt.Errorf("crm: appeal event %s: stored JSON: %w", e.ID, err)
		}
		e.Changes, e.Note = d.Changes, d.Note
		out = append(out, e)
	}
	return out, rows.Err()
}

// setCoExecutors records an appeal's co-executors (already checked).
func setCoExecutors(ctx context.Context, tx db.Execer, appealID string, ids []string) error {
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO crm_appeal_executors (appeal_id, user_id) VALUES ($1, $2)`, appealID, id); err != nil {
			return fmt.Errorf("crm: appeal co-executor: %w", err)
		}
	}
	return nil
}

// loadCoExecutors fills the co-executors of appeals, with one query.
func loadCoExecutors(ctx context.Context, q db.Execer, as []*Appeal) error {
	if len(as) == 0 {
		return nil
	}
	byID := map[string]*Appeal{}
	var marks []string
	args := []any{}
	for _, a := range as {
		a.CoExecutors, a.CoExecutorIDs = []AppealPerson{}, []string{}
		byID[a.ID] = a
		args = append(args, a.ID)
		marks = append(marks, fmt.Sprintf("$%d", len(args)))
	}
	rows, err := q.QueryContext(ctx, `SELECT x.appeal_id, x.user_id, us.full_name FROM crm_appeal_executors x JOIN users us ON us.id = x.user_id
		WHERE x.appeal_id IN (`+strings.Join(marks, ", ")+`) ORDER BY x.user_id`, args...)
	if err != nil {
		return fmt.Errorf("crm: appeal co-executors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var appealID string
		var p AppealPerson
		if err := rows.Scan(&appealID, &p.ID, &p.Name); err != nil {
			return fmt.Errorf("crm: appeal co-executors: %w", err)
		}
		a := byID[appealID]
		a.CoExecutors = append(a.CoExecutors, p)
		a.CoExecutorIDs = append(a.CoExecutorIDs, p.ID)
	}
	return rows.Err()
}
