package db

import (
	"context"
	"database/sql"
	"errors"
)

// RefColumn is one table's column of references to another package's rows
// (a member_id column pointing at member cards). The package that owns the
// table exports one, so that the owner of the referenced rows can move or
// count the references in its own transaction without knowing the table.
type RefColumn struct {
	Table, Column string
	// Stamp, when set, names a column set to now when a reference moves.
	Stamp string
}

// MoveLinks points the references to from at to and says how many moved.
func (c RefColumn) MoveLinks(ctx context.Context, tx Execer, to, from string) (int64, error) {
	q, args := `UPDATE `+c.Table+` SET `+c.Column+` = $1 WHERE `+c.Column+` = $2`, []any{to, from}
	if c.Stamp != "" {
		q, args = `UPDATE `+c.Table+` SET `+c.Column+` = $1, `+c.Stamp+` = $3 WHERE `+c.Column+` = $2`, append(args, Now())
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// Linked says whether any row references id.
func (c RefColumn) Linked(ctx context.Context, tx Execer, id string) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM `+c.Table+` WHERE `+c.Column+` = $1 LIMIT 1`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
