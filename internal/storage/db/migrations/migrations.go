// Package migrations is profhub's schema history, one tree for SQLite and
// PostgreSQL. A migration is a goose SQL file (NNNNN_name.sql) written in
// the SQL both engines accept, or, when a statement must differ, a Go
// file (NNNNN_name.go) whose steps are either shared or a pair of
// statements, one per engine, side by side. See README.md.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"

	"github.com/pressly/goose/v3"
)

// FS holds the SQL migrations, and the Go ones' source files so that goose
// names them in its status and refuses a Go file missing from goMigrations.
//
//go:embed *.sql *.go
var FS embed.FS

// goMigrations lists the Go migrations; goose orders them with the SQL
// files by version.
var goMigrations = []goMigration{
	foundation,
	inbox,
	crm,
	crmCards,
	workflow,
	crmAppeals,
	inboxSearch,
	inboxSearchFilters,
	privacy,
	searchDocsByConversation,
	crmMemberIndexes,
	crmMemberIDName,
}

// goMigration is a migration whose statements are run in one transaction,
// in order, each as the engine's text of its step.
type goMigration struct {
	version  int64
	up, down []step
}

// step is SQL (one or several statements) for each engine; "" runs
// nothing on that engine.
type step struct{ sqlite, postgres string }

// both is a step whose text is the same on both engines.
func both(q string) step { return step{sqlite: q, postgres: q} }

// postgresOnly is a step SQLite has no use for.
func postgresOnly(q string) step { return step{postgres: q} }

// perEngine is a step written differently for each engine.
func perEngine(sqlite, postgres string) step { return step{sqlite: sqlite, postgres: postgres} }

// collateC makes PostgreSQL compare column bytewise, as SQLite compares
// every TEXT column. These columns are searched by prefix ranges
// (col >= $1 AND col < $1 || '\uffff') or compared as digits, which the
// database's locale would otherwise order differently and could not
// serve from the index. SQLite has no collation named "C" to declare.
func collateC(table, column string) step {
	return postgresOnly(fmt.Sprintf(`ALTER TABLE %s ALTER COLUMN %s TYPE TEXT COLLATE "C"`, table, column))
}

// Go returns the Go migrations built for dialect (goose.DialectSQLite3 or
// goose.DialectPostgres).
func Go(dialect goose.Dialect) ([]*goose.Migration, error) {
	if dialect != goose.DialectSQLite3 && dialect != goose.DialectPostgres {
		return nil, fmt.Errorf("migrations: no migrations for dialect %q", dialect)
	}
	out := make([]*goose.Migration, 0, len(goMigrations))
	for _, m := range goMigrations {
		out = append(out, goose.NewGoMigration(m.version,
			&goose.GoFunc{RunTx: run(m.version, m.up, dialect)},
			&goose.GoFunc{RunTx: run(m.version, m.down, dialect)}))
	}
	return out, nil
}

func run(version int64, steps []step, dialect goose.Dialect) func(context.Context, *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		for i, s := range steps {
			q := s.sqlite
			if dialect == goose.DialectPostgres {
				q = s.postgres
			}
			if q == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("migration %05d step %d: %w", version, i+1, err)
			}
		}
		return nil
	}
}
