package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Store reads and writes units and users.
type Store struct {
	db *db.DB
}

// NewStore returns a Store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const unitColumns = `id, COALESCE(parent_id, ''), path, kind, name, created_at, updated_at`

func scanUnit(row interface{ Scan(...any) error }) (Unit, error) {
	var u Unit
	var created, updated int64
	err := row.Scan(&u.ID, &u.ParentID, &u.Path, &u.Kind, &u.Name, &created, &updated)
	u.CreatedAt, u.UpdatedAt = db.Time(created), db.Time(updated)
	return u, err
}

// CreateUnit adds a unit under parentID. An empty parentID makes a root,
// which only the system scope (command line, first start) may do.
func (s *Store) CreateUnit(ctx context.Context, sc access.Scope, parentID string, kind UnitKind, name string) (Unit, error) {
	if err := sc.Require(access.ManageUnits); err != nil {
		return Unit{}, err
	}
	name, err := validName(name)
	if err != nil {
		return Unit{}, err
	}
	if _, err := ParseUnitKind(string(kind)); err != nil {
		return Unit{}, valid.Errorf("kind", "unit_kind", "%v", err)
	}
	var u Unit
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		parentPath := "/"
		if parentID != "" {
			parent, err := getUnit(ctx, tx, sc, parentID)
			if err != nil {
				return err
			}
			parentPath = parent.Path
		} else if sc.UnitPath != "/" {
			return fmt.Errorf("%w: only the system scope creates a root unit", access.ErrForbidden)
		}
		id := uuid.Must(uuid.NewV7()).String()
		now := db.Now()
		u = Unit{ID: id, ParentID: parentID, Path: parentPath + id + "/", Kind: kind, Name: name,
			CreatedAt: db.Time(now), UpdatedAt: db.Time(now)}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO units (id, parent_id, path, kind, name, name_folded, created_at, updated_at)
			VALUES ($1, NULLIF($2, ''), $3, $4, $5, $6, $7, $7)`,
			id, parentID, u.Path, kind, name, norm.Fold(name), now); err != nil {
			return fmt.Errorf("org: create unit: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "unit.create", ObjectType: "unit", ObjectID: id, UnitID: id,
			Details: map[string]any{"name": name, "kind": kind, "parent_id": parentID}})
	})
	return u, err
}

// GetUnit returns a unit in sc's subtree.
func (s *Store) GetUnit(ctx context.Context, sc access.Scope, id string) (Unit, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return Unit{}, err
	}
	return getUnit(ctx, s.db, sc, id)
}

func getUnit(ctx context.Context, q db.Execer, sc access.Scope, id string) (Unit, error) {
	lo, hi := sc.PathRange()
	u, err := scanUnit(q.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units
		WHERE id = $1 AND path >= $2 AND path < $3`, id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return Unit{}, unitNotFound(id)
	}
	if err != nil {
		return Unit{}, fmt.Errorf("org: get unit: %w", err)
	}
	return u, nil
}

// ListUnits returns sc's subtree in tree order (a parent before its
// children). query, when not empty, keeps units whose name contains it.
func (s *Store) ListUnits(ctx context.Context, sc access.Scope, query string) ([]Unit, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return nil, err
	}
	lo, hi := sc.PathRange()
	rows, err := s.db.QueryContext(ctx, `SELECT `+unitColumns+` FROM units
		WHERE path >= $1 AND path < $2 AND ($3 = '' OR name_folded LIKE '%' || $3 || '%' ESCAPE '\')
		ORDER BY path`, lo, hi, db.EscapeLike(norm.Fold(query)))
	if err != nil {
		return nil, fmt.Errorf("org: list units: %w", err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, fmt.Errorf("org: list units: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUnit renames a unit or changes its kind.
func (s *Store) UpdateUnit(ctx context.Context, sc access.Scope, id string, kind UnitKind, name string) (Unit, error) {
	if err := sc.Require(access.ManageUnits); err != nil {
		return Unit{}, err
	}
	name, err := validName(name)
	if err != nil {
		return Unit{}, err
	}
	if _, err := ParseUnitKind(string(kind)); err != nil {
		return Unit{}, valid.Errorf("kind", "unit_kind", "%v", err)
	}
	var u Unit
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := getUnit(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE units SET name = $2, name_folded = $3, kind = $4, updated_at = $5 WHERE id = $1`,
			id, name, norm.Fold(name), kind, now); err != nil {
			return fmt.Errorf("org: update unit: %w", err)
		}
		u = old
		u.Name, u.Kind, u.UpdatedAt = name, kind, db.Time(now)
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "unit.update", ObjectType: "unit", ObjectID: id, UnitID: id,
			Details: map[string]any{"name": []string{old.Name, name}, "kind": []UnitKind{old.Kind, kind}}})
	})
	return u, err
}

// MoveUnit puts a unit, with its whole subtree, under newParentID. Both must
// lie in sc's subtree, and a unit cannot move under itself or its
// descendants, nor can a user move their own home unit.
func (s *Store) MoveUnit(ctx context.Context, sc access.Scope, id, newParentID string) (Unit, error) {
	if err := sc.Require(access.ManageUnits); err != nil {
		return Unit{}, err
	}
	var u Unit
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		unit, err := getUnit(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if unit.Path == sc.UnitPath {
			return fmt.Errorf("%w: a user cannot move their own home unit", access.ErrForbidden)
		}
		parent, err := getUnit(ctx, tx, sc, newParentID)
		if err != nil {
			return err
		}
		if len(parent.Path) >= len(unit.Path) && parent.Path[:len(unit.Path)] == unit.Path {
			return valid.Errorf("parent_id", "move_into_self", "a unit cannot move under itself or its own descendant")
		}
		newPath := parent.Path + unit.ID + "/"
		lo, hi := access.SubtreeRange(unit.Path)
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `
			UPDATE units SET path = $1 || substr(path, $2), updated_at = $3
			WHERE path >= $4 AND path < $5`,
			newPath, len(unit.Path)+1, now, lo, hi); err != nil {
			return fmt.Errorf("org: move unit: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE units SET parent_id = $1 WHERE id = $2`, parent.ID, unit.ID); err != nil {
			return fmt.Errorf("org: move unit: %w", err)
		}
		u = unit
		u.ParentID, u.Path, u.UpdatedAt = parent.ID, newPath, db.Time(now)
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "unit.move", ObjectType: "unit", ObjectID: id, UnitID: id,
			Details: map[string]any{"from_parent": unit.ParentID, "to_parent": parent.ID}})
	})
	return u, err
}

// Roots returns the units without a parent, for start-up and the command
// line (unscoped: the caller is the system).
func (s *Store) Roots(ctx context.Context) ([]Unit, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+unitColumns+` FROM units WHERE parent_id IS NULL ORDER BY path`)
	if err != nil {
		return nil, fmt.Errorf("org: roots: %w", err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, fmt.Errorf("org: roots: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// firstRootID is the id of the root made on first start. A fixed id lets
// several nodes starting on an empty database race safely: one insert wins,
// the others find it.
const firstRootID = "00000000-0000-7000-8000-000000000001"

// EnsureRoot returns the first root unit, creating one named name when the
// tree is empty.
func (s *Store) EnsureRoot(ctx context.Context, name string) (Unit, error) {
	roots, err := s.Roots(ctx)
	if err != nil || len(roots) > 0 {
		if err != nil {
			return Unit{}, err
		}
		return roots[0], nil
	}
	now := db.Now()
	sys := access.System("first start")
	sys.UnitID = firstRootID
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			INSERT INTO units (id, parent_id, path, kind, name, name_folded, created_at, updated_at)
			VALUES ($1, NULL, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING`,
			firstRootID, "/"+firstRootID+"/", Federation, name, norm.Fold(name), now)
		if err != nil {
			return fmt.Errorf("org: create root: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return audit.Record(ctx, tx, sys, audit.Entry{Action: "unit.create", ObjectType: "unit", ObjectID: firstRootID,
			Details: map[string]any{"name": name, "kind": Federation}})
	})
	if err != nil {
		return Unit{}, err
	}
	return s.EnsureRoot(ctx, name)
}
