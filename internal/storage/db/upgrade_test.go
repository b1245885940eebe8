package db_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/internal/storage/db/migrations"
)

// The old trees' last version and the goose rows they left.
const oldTreeLast, oldTreeRows = 21, 19

// TestOldTreeDatabaseHasNothingToApply loads a database as the per-engine
// trees left it (testdata/old-*.sql, with goose's version rows) and opens
// it with today's code: nothing is applied, the schema is unchanged, and
// the database works.
func TestOldTreeDatabaseHasNothingToApply(t *testing.T) {
	ctx := context.Background()
	engines := []struct {
		name string
		open func(t *testing.T) *db.DB
	}{
		{"sqlite", func(t *testing.T) *db.DB {
			dir := t.TempDir()
			raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "profhub.db"))
			if err != nil {
				t.Fatal(err)
			}
			loadScript(t, raw, readGolden(t, filepath.Join("testdata", "old-sqlite.sql")))
			d, err := db.Open(ctx, "", dir)
			if err != nil {
				t.Fatalf("open the old database: %v", err)
			}
			return d
		}},
		{"postgres", func(t *testing.T) *db.DB {
			dsn, schema := dbtest.NewPostgresSchema(t)
			raw, err := sql.Open("pgx", dbtest.PostgresURL())
			if err != nil {
				t.Fatal(err)
			}
			script := readGolden(t, filepath.Join("testdata", "old-postgres.sql"))
			loadScript(t, raw, strings.ReplaceAll(script, schemaPlaceholder, schema))
			d, err := db.Open(ctx, dsn, "")
			if err != nil {
				t.Fatalf("open the old database: %v", err)
			}
			return d
		}},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			if e.name == "postgres" && dbtest.PostgresURL() == "" {
				t.Skip("PROFHUB_TEST_DATABASE_URL not set")
			}
			d := e.open(t)
			defer d.Close()
			// The dump has goose's first row (version 0) and one per
			// migration up to 21. Opening it may apply only migrations
			// added since, each once.
			var rerun, twice int
			if err := d.QueryRow(`SELECT COUNT(*) FROM goose_db_version WHERE id > $1 AND version_id <= $2`, oldTreeRows, oldTreeLast).Scan(&rerun); err != nil {
				t.Fatal(err)
			}
			if err := d.QueryRow(`SELECT COUNT(*) FROM (SELECT version_id FROM goose_db_version GROUP BY version_id HAVING COUNT(*) > 1) x`).Scan(&twice); err != nil {
				t.Fatal(err)
			}
			if rerun != 0 || twice != 0 {
				t.Errorf("opening the old database applied %d old migrations again (%d versions recorded twice)", rerun, twice)
			}
			status, err := d.MigrationStatus(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range status {
				if !strings.HasPrefix(s, "applied") {
					t.Errorf("status %q: every migration should count as applied", s)
				}
			}
			want := strings.Split(strings.TrimSuffix(readGolden(t, goldenPath(d, "schema")), "\n"), "\n")
			if diff := diffLines(want, dumpSchema(t, d).detailed()); len(diff) > 0 {
				t.Errorf("schema changed on open:\n%s", strings.Join(diff, "\n"))
			}
			// It works: a write, and the audit log's guard from migration 1.
			if _, err := d.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('k', 'v', 1)`); err != nil {
				t.Errorf("write to the old database: %v", err)
			}
			if _, err := d.ExecContext(ctx, `INSERT INTO units (id, path, kind, name, name_folded, created_at, updated_at) VALUES ('u', '/u/', 'root', 'U', 'u', 1, 1)`); err != nil {
				t.Fatal(err)
			}
			if _, err := d.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor_name, action, object_type, object_id, unit_id) VALUES ('a', 1, 'x', 'y', 'z', 'o', 'u')`); err != nil {
				t.Fatal(err)
			}
			if _, err := d.ExecContext(ctx, `UPDATE audit_log SET action = 'forged'`); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("editing the audit log: err = %v, want the append-only refusal", err)
			}
		})
	}
}

// loadScript runs a dump on a connection pool of its own (the PostgreSQL
// dump empties search_path for its session) and closes it.
func loadScript(t *testing.T, raw *sql.DB, script string) {
	t.Helper()
	defer raw.Close()
	if _, err := raw.Exec(script); err != nil {
		t.Fatalf("load the old database: %v", err)
	}
}

// TestWordUnitsMigrationFillsExistingRows: migration 20, now one UPDATE …
// FROM for both engines (SQLite's tree had a subquery per row), gives each
// existing name word its member's unit.
func TestWordUnitsMigrationFillsExistingRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dialect := goose.DialectSQLite3
		if d.Dialect == db.Postgres {
			dialect = goose.DialectPostgres
		}
		gm, err := migrations.Go(dialect)
		if err != nil {
			t.Fatal(err)
		}
		p, err := goose.NewProvider(dialect, d.DB, migrations.FS, goose.WithGoMigrations(gm...), goose.WithDisableGlobalRegistry(true))
		if err != nil {
			t.Fatal(err)
		}
		// dbtest migrated to the end: step back to 19, add a member with
		// name words, and apply 20 again.
		if _, err := p.DownTo(ctx, 19); err != nil {
			t.Fatalf("down to 19: %v", err)
		}
		for _, q := range []string{
			`INSERT INTO units (id, path, kind, name, name_folded, created_at, updated_at) VALUES ('u1', '/u1/', 'root', 'U', 'u', 1, 1)`,
			`INSERT INTO crm_members (id, unit_id, surname, name_folded, status, created_at, updated_at) VALUES ('m1', 'u1', 'Иванов', 'иванов', 'active', 1, 1)`,
			`INSERT INTO crm_member_words (word, member_id) VALUES ('иванов', 'm1'), ('ив', 'm1')`,
		} {
			if _, err := d.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if _, err := p.UpTo(ctx, 20); err != nil {
			t.Fatalf("up to 20: %v", err)
		}
		var n int
		if err := d.QueryRow(`SELECT COUNT(*) FROM crm_member_words WHERE unit_id = 'u1'`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("%d words carry their member's unit (%v), want 2", n, err)
		}
	})
}
