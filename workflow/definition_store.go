package workflow

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Definitions keeps the process definitions, each a list of versions.
type Definitions struct{ *core }

// loadDefinition reads one version of a process; version 0 is the latest.
func loadDefinition(ctx context.Context, q db.Execer, id string, version int) (*Definition, error) {
	var body string
	err := q.QueryRowContext(ctx, `SELECT body FROM wf_definitions WHERE id = $1 AND ($2 = 0 OR version = $2)
		ORDER BY version DESC LIMIT 1`, id, version).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("workflow: process %s v%d: %w", id, version, db.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("workflow: process %s: %w", id, err)
	}
	var d Definition
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		return nil, fmt.Errorf("workflow: process %s: stored JSON: %w", id, err)
	}
	return &d, nil
}

// Definition returns a version of a process (0: the latest). Every
// signed-in user may read definitions: they explain the buttons.
func (s *Definitions) Definition(ctx context.Context, id string, version int) (*Definition, error) {
	return loadDefinition(ctx, s.db, id, version)
}

// Definitions returns the latest version of every process.
func (s *Definitions) Definitions(ctx context.Context) ([]*Definition, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, MAX(version) FROM wf_definitions GROUP BY id ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("workflow: definitions: %w", err)
	}
	type idv struct {
		id string
		v  int
	}
	var ids []idv
	for rows.Next() {
		var x idv
		if err := rows.Scan(&x.id, &x.v); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, x)
	}
	rows.Close()
	out := make([]*Definition, 0, len(ids))
	for _, x := range ids {
		d, err := loadDefinition(ctx, s.db, x.id, x.v)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// SaveDefinition validates d and stores it as the next version of its
// process. Documents already running keep the version they started with.
func (s *Definitions) SaveDefinition(ctx context.Context, sc access.Scope, d Definition) (*Definition, error) {
	if err := sc.Require(access.ManageWorkflow); err != nil {
		return nil, err
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM wf_definitions WHERE id = $1`, d.ID).Scan(&d.Version); err != nil {
			return fmt.Errorf("workflow: save definition: %w", err)
		}
		if prev, err := loadDefinition(ctx, tx, d.ID, 0); err == nil && prev.Kind != d.Kind {
			return valid.Refuse(db.ErrConflict, "process_kind", "process %s is for %s documents", d.ID, prev.Kind)
		}
		body, _ := json.Marshal(d)
		if _, err := tx.ExecContext(ctx, `INSERT INTO wf_definitions (id, version, body, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
			d.ID, d.Version, string(body), sc.UserName, db.Now()); err != nil {
			if db.IsUniqueViolation(err) {
				return valid.Refuse(db.ErrConflict, "process_saved", "process %s was saved by someone else at the same moment", d.ID)
			}
			return fmt.Errorf("workflow: save definition: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "process.save", ObjectType: "process", ObjectID: d.ID,
			Details: map[string]any{"version": d.Version, "steps": len(d.Steps)}})
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}
