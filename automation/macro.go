package automation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Macro is a saved sequence of actions (label, assign or transfer, reply,
// priority, close) an operator runs on a conversation with one click.
type Macro struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Actions []Action `json:"actions"`
}

// Macros lists the macros; everyone who answers conversations runs them.
func (s *Service) Macros(ctx context.Context, sc access.Scope) ([]Macro, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return nil, err
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT id, name, actions FROM automation_macros ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("automation: macros: %w", err)
	}
	defer rows.Close()
	out := []Macro{}
	for rows.Next() {
		m, err := scanMacro(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func scanMacro(row interface{ Scan(...any) error }) (Macro, error) {
	var m Macro
	var acts string
	if err := row.Scan(&m.ID, &m.Name, &acts); err != nil {
		return m, err
	}
	_ = json.Unmarshal([]byte(acts), &m.Actions)
	return m, nil
}

func (s *Service) macro(ctx context.Context, id string) (Macro, error) {
	m, err := scanMacro(s.d.DB.QueryRowContext(ctx, `SELECT id, name, actions FROM automation_macros WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("automation: macro %s: %w", id, db.ErrNotFound)
	}
	return m, err
}

// SaveMacro creates (no ID) or changes a macro; administrators of the
// inbox only.
func (s *Service) SaveMacro(ctx context.Context, sc access.Scope, m Macro) (Macro, error) {
	if err := sc.Require(access.ManageInbox); err != nil {
		return Macro{}, err
	}
	if err := validName(&m.Name); err != nil {
		return Macro{}, err
	}
	if err := validActions(m.Actions, false); err != nil {
		return Macro{}, err
	}
	if err := s.check(ctx, sc, m.Actions); err != nil {
		return Macro{}, err
	}
	acts, _ := json.Marshal(m.Actions)
	now := db.Now()
	if m.ID == "" {
		m.ID = uuid.Must(uuid.NewV7()).String()
		if _, err := s.d.DB.ExecContext(ctx, `INSERT INTO automation_macros (id, name, actions, created_at, updated_at) VALUES ($1,$2,$3,$4,$4)`,
			m.ID, m.Name, string(acts), now); err != nil {
			return Macro{}, fmt.Errorf("automation: save macro: %w", err)
		}
	} else {
		res, err := s.d.DB.ExecContext(ctx, `UPDATE automation_macros SET name = $2, actions = $3, updated_at = $4 WHERE id = $1`, m.ID, m.Name, string(acts), now)
		if err != nil {
			return Macro{}, fmt.Errorf("automation: save macro: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Macro{}, fmt.Errorf("automation: macro %s: %w", m.ID, db.ErrNotFound)
		}
	}
	s.audit(sc, "macro saved", m.ID, m)
	return m, nil
}

// DeleteMacro removes a macro.
func (s *Service) DeleteMacro(ctx context.Context, sc access.Scope, id string) error {
	if err := sc.Require(access.ManageInbox); err != nil {
		return err
	}
	res, err := s.d.DB.ExecContext(ctx, `DELETE FROM automation_macros WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("automation: delete macro: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("automation: macro %s: %w", id, db.ErrNotFound)
	}
	return nil
}

// RunMacro runs a macro on a conversation as the operator sc. Every line
// and label it names is checked first: a macro naming a deleted line is
// refused whole, before any of its steps is done. Each step done is a
// history entry with the macro's name.
func (s *Service) RunMacro(ctx context.Context, sc access.Scope, macroID, convID string) (inbox.Conversation, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return inbox.Conversation{}, err
	}
	m, err := s.macro(ctx, macroID)
	if err != nil {
		return inbox.Conversation{}, err
	}
	if _, err := s.d.Operator.Get(ctx, sc, convID); err != nil {
		return inbox.Conversation{}, err
	}
	if err := s.check(ctx, sc, m.Actions); err != nil {
		return inbox.Conversation{}, err
	}
	for _, a := range m.Actions {
		detail, err := s.do(ctx, sc, convID, a, nil)
		if err != nil {
			return inbox.Conversation{}, err
		}
		if err := s.d.Inbox.RuleNote(ctx, convID, "macro", m.Name, a.Kind, detail); err != nil {
			return inbox.Conversation{}, err
		}
	}
	return s.d.Operator.Get(ctx, sc, convID)
}
