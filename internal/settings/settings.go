// Package settings keeps installation-wide policies that an administrator
// changes at run time (in the UI or with `profhub settings set`), as
// key/value rows in SQL. Every change is audited.
package settings

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Get returns the value of key, or def when it was never set.
func Get(ctx context.Context, q db.Execer, key, def string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	if err != nil {
		return "", fmt.Errorf("settings: get %s: %w", key, err)
	}
	return v, nil
}

// Set stores key = value as sc, who needs ManageSettings; the audit row
// belongs to sc's home unit.
func Set(ctx context.Context, d *db.DB, sc access.Scope, key, value string) error {
	if err := sc.Require(access.ManageSettings); err != nil {
		return err
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		old, err := Get(ctx, tx, key, "")
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			key, value, db.Now()); err != nil {
			return fmt.Errorf("settings: set %s: %w", key, err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "settings.set", ObjectType: "setting", ObjectID: key,
			Details: map[string]any{"value": []string{old, value}}})
	})
}
