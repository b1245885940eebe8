package automation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/profhub/profhub/internal/storage/db"
)

// store is the SQL of rules, macros, the fired log and the cursor.
type store struct{ db *db.DB }

const ruleColumns = `id, name, position, enabled, on_event, idle_min, conditions, actions, created_at`

func scanRule(row interface{ Scan(...any) error }) (Rule, error) {
	var r Rule
	var conds, acts string
	if err := row.Scan(&r.ID, &r.Name, &r.Position, &r.Enabled, &r.On, &r.IdleMin, &conds, &acts, &r.created); err != nil {
		return r, err
	}
	_ = json.Unmarshal([]byte(conds), &r.Conditions)
	_ = json.Unmarshal([]byte(acts), &r.Actions)
	if r.Conditions == nil {
		r.Conditions = []Condition{}
	}
	return r, nil
}

func (s store) rules(ctx context.Context) ([]Rule, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+ruleColumns+` FROM automation_rules ORDER BY position, created_at`)
	if err != nil {
		return nil, fmt.Errorf("automation: rules: %w", err)
	}
	defer rows.Close()
	out := []Rule{}
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, fmt.Errorf("automation: rules: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s store) rule(ctx context.Context, id string) (Rule, error) {
	r, err := scanRule(s.db.QueryRowContext(ctx, `SELECT `+ruleColumns+` FROM automation_rules WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("automation: rule %s: %w", id, db.ErrNotFound)
	}
	return r, err
}

func (s store) saveRule(ctx context.Context, r Rule, create bool) error {
	conds, _ := json.Marshal(r.Conditions)
	acts, _ := json.Marshal(r.Actions)
	now := db.Now()
	if create {
		_, err := s.db.ExecContext(ctx, `INSERT INTO automation_rules (id, name, position, enabled, on_event, idle_min, conditions, actions,
			created_at, updated_at) VALUES ($1,$2,(SELECT COALESCE(MAX(position), 0) + 1 FROM automation_rules),$3,$4,$5,$6,$7,$8,$8)`,
			r.ID, r.Name, r.Enabled, r.On, r.IdleMin, string(conds), string(acts), now)
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE automation_rules SET name = $2, enabled = $3, on_event = $4, idle_min = $5, conditions = $6,
		actions = $7, updated_at = $8 WHERE id = $1`, r.ID, r.Name, r.Enabled, r.On, r.IdleMin, string(conds), string(acts), now)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("automation: rule %s: %w", r.ID, db.ErrNotFound)
	}
	return nil
}

func (s store) deleteRule(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM automation_rules WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("automation: delete rule: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("automation: rule %s: %w", id, db.ErrNotFound)
	}
	return nil
}

// reorder gives the rules of ids positions 1, 2, … in that order.
func (s store) reorder(ctx context.Context, ids []string) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		for i, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE automation_rules SET position = $2 WHERE id = $1`, id, i+1); err != nil {
				return fmt.Errorf("automation: reorder: %w", err)
			}
		}
		return nil
	})
}

// fire records that rule fires on the event key: false when it already
// has (another node, or an earlier pass, ran it).
func (s store) fire(ctx context.Context, ruleID, key, convID string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO automation_fired (rule_id, event_key, conversation_id, at) VALUES ($1,$2,$3,$4)
		ON CONFLICT DO NOTHING`, ruleID, key, convID, db.Now())
	if err != nil {
		return false, fmt.Errorf("automation: fire: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func (s store) fired(ctx context.Context, ruleID, key string) bool {
	var one int
	return s.db.QueryRowContext(ctx, `SELECT 1 FROM automation_fired WHERE rule_id = $1 AND event_key = $2`, ruleID, key).Scan(&one) == nil
}

func (s store) outcome(ctx context.Context, ruleID, key, outcome string) {
	_, _ = s.db.ExecContext(ctx, `UPDATE automation_fired SET outcome = $3 WHERE rule_id = $1 AND event_key = $2`, ruleID, key, outcome)
}

// firedSince counts the rules fired on a conversation since (ms).
func (s store) firedSince(ctx context.Context, convID string, since int64) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM automation_fired WHERE conversation_id = $1 AND at >= $2`, convID, since).Scan(&n)
	return n, err
}

// cursor is the seq the rules have run up to; the first call sets it to
// head, so rules never run on the history before them.
func (s store) cursor(ctx context.Context, head func(context.Context) (int64, error)) (int64, error) {
	var seq int64
	err := s.db.QueryRowContext(ctx, `SELECT seq FROM automation_cursor WHERE name = 'events'`).Scan(&seq)
	if !errors.Is(err, sql.ErrNoRows) {
		return seq, err
	}
	if seq, err = head(ctx); err != nil {
		return 0, err
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO automation_cursor (name, seq) VALUES ('events', $1) ON CONFLICT DO NOTHING`, seq); err != nil {
		return 0, err
	}
	err = s.db.QueryRowContext(ctx, `SELECT seq FROM automation_cursor WHERE name = 'events'`).Scan(&seq)
	return seq, err
}

// claim moves the cursor from → to; false when another node moved it
// first (and so runs those events).
func (s store) claim(ctx context.Context, from, to int64) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE automation_cursor SET seq = $2 WHERE name = 'events' AND seq = $1`, from, to)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
