package workflow

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Numbering keeps the registries: one per unit and kind, each with its
// number format and yearly counter.
type Numbering struct{ *core }

// Registry is one of a unit's three registries with its number format.
type Registry struct {
	ID       string `json:"id"`
	UnitID   string `json:"unit_id"`
	UnitName string `json:"unit_name"`
	Kind     Kind   `json:"kind"`
	NumberFormat
	LastSeq int64 `json:"last_seq"` // of the current year
}

// registry returns the unit's registry of kind k, creating it with the
// default format on first use (two first registrations at once both end up
// with the one row).
func registry(ctx context.Context, tx db.Execer, unitID string, k Kind) (Registry, error) {
	def := DefaultFormat(k)
	if _, err := tx.ExecContext(ctx, `INSERT INTO wf_registries (id, unit_id, kind, format, paper_mark, electronic_mark, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (unit_id, kind) DO NOTHING`,
		newID(), unitID, k, def.Format, def.PaperMark, def.ElectronicMark, db.Now()); err != nil {
		return Registry{}, fmt.Errorf("workflow: registry: %w", err)
	}
	r := Registry{UnitID: unitID, Kind: k}
	err := tx.QueryRowContext(ctx, `SELECT id, format, paper_mark, electronic_mark FROM wf_registries WHERE unit_id = $1 AND kind = $2`,
		unitID, k).Scan(&r.ID, &r.Format, &r.PaperMark, &r.ElectronicMark)
	if err != nil {
		return r, fmt.Errorf("workflow: registry: %w", err)
	}
	return r, nil
}

// nextSeq takes the next number of the registry's year inside the
// registering transaction. The upsert locks the counter row until commit
// (PostgreSQL) or runs under the write lock (SQLite), so concurrent
// registrations queue here and a rolled-back one gives its number back:
// numbers are unique and gap-free.
func nextSeq(ctx context.Context, tx db.Execer, registryID string, year int) (int64, error) {
	var seq int64
	err := tx.QueryRowContext(ctx, `INSERT INTO wf_counters (registry_id, year, last_seq) VALUES ($1, $2, 1)
		ON CONFLICT (registry_id, year) DO UPDATE SET last_seq = wf_counters.last_seq + 1
		RETURNING last_seq`, registryID, year).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("workflow: next number: %w", err)
	}
	return seq, nil
}

// Registries lists the registries of the units in sc's scope that exist,
// and the three of sc's home unit in any case.
func (s *Numbering) Registries(ctx context.Context, sc access.Scope) ([]Registry, error) {
	if err := sc.Require(access.ReadRegistry); err != nil {
		return nil, err
	}
	if sc.UnitID != "" {
		for _, k := range Kinds {
			if _, err := registry(ctx, s.db, sc.UnitID, k); err != nil {
				return nil, err
			}
		}
	}
	lo, hi := sc.PathRange()
	year := s.now().In(Zone()).Year()
	rows, err := s.db.QueryContext(ctx, `
		SELECT r.id, r.unit_id, u.name, r.kind, r.format, r.paper_mark, r.electronic_mark, COALESCE(c.last_seq, 0)
		FROM wf_registries r JOIN units u ON u.id = r.unit_id
		LEFT JOIN wf_counters c ON c.registry_id = r.id AND c.year = $3
		WHERE u.path >= $1 AND u.path < $2 ORDER BY u.path, r.kind`, lo, hi, year)
	if err != nil {
		return nil, fmt.Errorf("workflow: registries: %w", err)
	}
	defer rows.Close()
	var out []Registry
	for rows.Next() {
		var r Registry
		if err := rows.Scan(&r.ID, &r.UnitID, &r.UnitName, &r.Kind, &r.Format, &r.PaperMark, &r.ElectronicMark, &r.LastSeq); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SetNumberFormat sets how a unit's registry of kind k writes numbers.
// Numbers already given keep their text; the sequence continues.
func (s *Numbering) SetNumberFormat(ctx context.Context, sc access.Scope, unitID string, k Kind, f NumberFormat) (Registry, error) {
	if err := sc.Require(access.ManageWorkflow); err != nil {
		return Registry{}, err
	}
	if !slices.Contains(Kinds, k) {
		return Registry{}, valid.Errorf("kind", "doc_kind", "kind must be internal, incoming or outgoing")
	}
	if err := f.Validate(); err != nil {
		return Registry{}, err
	}
	var r Registry
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := unitPath(ctx, tx, sc, unitID); err != nil {
			return err
		}
		var err error
		if r, err = registry(ctx, tx, unitID, k); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE wf_registries SET format = $1, paper_mark = $2, electronic_mark = $3, updated_at = $4 WHERE id = $5`,
			f.Format, f.PaperMark, f.ElectronicMark, db.Now(), r.ID); err != nil {
			return fmt.Errorf("workflow: set format: %w", err)
		}
		r.NumberFormat = f
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(last_seq), 0) FROM wf_counters WHERE registry_id = $1 AND year = $2`,
			r.ID, s.now().In(Zone()).Year()).Scan(&r.LastSeq); err != nil {
			return fmt.Errorf("workflow: set format: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "registry.format", ObjectType: "registry", ObjectID: r.ID, UnitID: unitID,
			Details: map[string]any{"kind": k, "format": f.Format, "paper_mark": f.PaperMark, "electronic_mark": f.ElectronicMark}})
	})
	return r, err
}

// unitPath returns the path of a unit in sc's scope.
func unitPath(ctx context.Context, q db.Execer, sc access.Scope, unitID string) (string, error) {
	lo, hi := sc.PathRange()
	var path string
	err := q.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1 AND path >= $2 AND path < $3`, unitID, lo, hi).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("workflow: unit %s: %w", unitID, db.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("workflow: unit: %w", err)
	}
	return path, nil
}
