package db

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations
var migrations embed.FS

// Migrate applies every embedded migration not yet applied. Nodes that start
// together take turns: on PostgreSQL through a session advisory lock, on a
// shared SQLite file through a lock file beside it.
func (d *DB) Migrate(ctx context.Context) error {
	if d.migrateLock != "" {
		unlock, err := lockFile(d.migrateLock)
		if err != nil {
			return err
		}
		defer unlock()
	}
	p, err := d.migrationProvider(true)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	return nil
}

// MigrationStatus lists applied and pending migrations, for `profhub migrate --status`.
func (d *DB) MigrationStatus(ctx context.Context) ([]string, error) {
	p, err := d.migrationProvider(false)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("db: migration status: %w", err)
	}
	var out []string
	for _, s := range st {
		out = append(out, fmt.Sprintf("%-8s %s", s.State, s.Source.Path))
	}
	return out, nil
}

func (d *DB) migrationProvider(locked bool) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(d.Dialect))
	if err != nil {
		return nil, fmt.Errorf("db: migrations: %w", err)
	}
	var opts []goose.ProviderOption
	dialect := goose.DialectSQLite3
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
		if locked {
			locker, err := lock.NewPostgresSessionLocker()
			if err != nil {
				return nil, fmt.Errorf("db: migration lock: %w", err)
			}
			opts = append(opts, goose.WithSessionLocker(locker))
		}
	}
	p, err := goose.NewProvider(dialect, d.DB, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("db: migrations: %w", err)
	}
	return p, nil
}
