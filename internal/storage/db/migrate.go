package db

import (
	"context"
	"fmt"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/profhub/profhub/internal/storage/db/migrations"
)

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
	dialect := goose.DialectSQLite3
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	goMigrations, err := migrations.Go(dialect)
	if err != nil {
		return nil, fmt.Errorf("db: migrations: %w", err)
	}
	// One tree for both engines: the SQL files and the Go migrations that
	// hold the few statements written per engine. The versions are those
	// of the two per-engine trees it replaced, so a database they migrated
	// has nothing to apply.
	opts := []goose.ProviderOption{goose.WithGoMigrations(goMigrations...), goose.WithDisableGlobalRegistry(true)}
	if d.Dialect == Postgres && locked {
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("db: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, d.DB, migrations.FS, opts...)
	if err != nil {
		return nil, fmt.Errorf("db: migrations: %w", err)
	}
	return p, nil
}
