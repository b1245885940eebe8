// Package sharing is the rule of things a user saves for themselves or
// shares with their unit (the CRM's saved member filters, the console's
// saved views): who sees one, and the list and get queries that apply
// that rule, so each kind keeps only its own columns and checks.
package sharing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Visible is the condition, over a kind's table f joined with its unit u,
// of the rows a caller sees: their own, and shared ones saved in a unit
// of their subtree or above it (a committee's shared filter is seen by its
// primary organisations). It binds $1..$4 to Args.
const Visible = `(f.owner_id = $1 OR (f.shared AND (
	(u.path >= $2 AND u.path < $3) OR substr($4, 1, length(u.path)) = u.path)))`

// Args are the values of Visible's $1..$4 for a caller.
func Args(sc access.Scope) []any {
	lo, hi := sc.PathRange()
	return []any{sc.UserID, lo, hi, sc.UnitPath}
}

// Row is what a kind's Scan reads from.
type Row interface{ Scan(dest ...any) error }

// Kind is one kind of saved, shareable thing: a table with the columns
// id, owner_id, unit_id, shared (and its own), read by Scan.
type Kind[T any] struct {
	Table   string // e.g. "crm_saved_filters"
	Columns string // the SELECT list over f, in Scan's order
	What    string // for errors: "crm: saved filter"
	Scan    func(row Row, sc access.Scope) (T, error)
}

func (k Kind[T]) selectFrom() string {
	return `SELECT ` + k.Columns + ` FROM ` + k.Table + ` f JOIN units u ON u.id = f.unit_id WHERE ` + Visible
}

// List returns what the caller sees, their own first, then by order
// (columns of f, e.g. "f.name, f.id"), at most limit.
func (k Kind[T]) List(ctx context.Context, q db.Execer, sc access.Scope, order string, limit int) ([]T, error) {
	rows, err := q.QueryContext(ctx, k.selectFrom()+`
		ORDER BY CASE WHEN f.owner_id = $1 THEN 0 ELSE 1 END, `+order+` LIMIT $5`, append(Args(sc), limit)...)
	if err != nil {
		return nil, fmt.Errorf("%s: list: %w", k.What, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := k.Scan(rows, sc)
		if err != nil {
			return nil, fmt.Errorf("%s: list: %w", k.What, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Get returns one the caller sees; db.ErrNotFound when there is none or
// the caller may not see it (the two are not told apart).
func (k Kind[T]) Get(ctx context.Context, q db.Execer, sc access.Scope, id string) (T, error) {
	v, err := k.Scan(q.QueryRowContext(ctx, k.selectFrom()+` AND f.id = $5`, append(Args(sc), id)...), sc)
	if errors.Is(err, sql.ErrNoRows) {
		var zero T
		return zero, fmt.Errorf("%s %s: %w", k.What, id, db.ErrNotFound)
	}
	if err != nil {
		var zero T
		return zero, fmt.Errorf("%s: %w", k.What, err)
	}
	return v, nil
}

// Owned counts the rows an owner has saved (for a per-user limit; run it
// in the transaction that inserts).
func (k Kind[T]) Owned(ctx context.Context, q db.Execer, ownerID string) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+k.Table+` WHERE owner_id = $1`, ownerID).Scan(&n); err != nil {
		return 0, fmt.Errorf("%s: count: %w", k.What, err)
	}
	return n, nil
}

// MayDelete: the owner removes their own; an administrator or a chairman
// above it may also remove a shared one they see.
func MayDelete(sc access.Scope, ownerID string) bool {
	return ownerID == sc.UserID || sc.Role == access.Administrator || sc.Role == access.Chairman
}
