package db_test

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// The golden files hold what the per-engine migration trees made before
// they became one tree: the schema of each engine (schema-*.txt) and a
// database at the last version as the old tree left it (old-*.sql). They
// were written with -update-golden from the old trees. A new migration
// changes the schema files (see migrations/README.md); the old-*.sql files
// are written only when missing and stay as the old trees left them.
var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/ from the migrations as they are now (needs PROFHUB_TEST_DATABASE_URL)")

const schemaPlaceholder = "{{schema}}"

func goldenPath(d *db.DB, kind string) string {
	ext := map[string]string{"schema": "txt", "old": "sql"}[kind]
	return filepath.Join("testdata", kind+"-"+string(d.Dialect)+"."+ext)
}

func readGolden(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file (write it with -update-golden): %v", err)
	}
	return string(b)
}

func writeGolden(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMigrationsMatchGolden: a fresh database of each engine gets exactly
// the schema that engine's own migration tree used to make.
func TestMigrationsMatchGolden(t *testing.T) {
	if *updateGolden && dbtest.PostgresURL() == "" {
		t.Fatal("-update-golden needs PROFHUB_TEST_DATABASE_URL: both engines are written")
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		got := dumpSchema(t, d).detailed()
		if *updateGolden {
			writeGolden(t, goldenPath(d, "schema"), strings.Join(got, "\n")+"\n")
			// The old databases are written once, from the old trees.
			if _, err := os.Stat(goldenPath(d, "old")); os.IsNotExist(err) {
				writeGolden(t, goldenPath(d, "old"), dumpDatabase(t, d))
			}
			return
		}
		want := strings.Split(strings.TrimSuffix(readGolden(t, goldenPath(d, "schema")), "\n"), "\n")
		if diff := diffLines(want, got); len(diff) > 0 {
			t.Errorf("schema differs from %s (- golden, + now):\n%s", goldenPath(d, "schema"), strings.Join(diff, "\n"))
		}
	})
}

// dumpDatabase writes d as a script that recreates it, goose's version
// rows included.
func dumpDatabase(t *testing.T, d *db.DB) string {
	t.Helper()
	ctx := context.Background()
	if d.Dialect == db.Postgres {
		return dumpPostgresDatabase(t, d)
	}
	var stmts []string
	err := queryRows(ctx, d.DB, `SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite%' ORDER BY rowid`,
		func(r *sql.Rows) error {
			var s string
			stmts = append(stmts, s)
			return r.Scan(&stmts[len(stmts)-1])
		})
	if err == nil {
		err = queryRows(ctx, d.DB, `SELECT id, version_id, is_applied, CAST(tstamp AS TEXT) FROM goose_db_version ORDER BY id`,
			func(r *sql.Rows) error {
				var id, version int64
				var applied bool
				var at string
				if err := r.Scan(&id, &version, &applied, &at); err != nil {
					return err
				}
				stmts = append(stmts, fmt.Sprintf("INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (%d, %d, %t, '%s')",
					id, version, applied, at))
				return nil
			})
	}
	if err != nil {
		t.Fatalf("dump sqlite: %v", err)
	}
	return strings.Join(stmts, ";\n") + ";\n"
}

// dumpPostgresDatabase runs pg_dump on d's schema, with the schema's name
// replaced by a placeholder so the script can be loaded into any schema.
func dumpPostgresDatabase(t *testing.T, d *db.DB) string {
	t.Helper()
	var name string
	if err := d.QueryRow(`SELECT current_schema()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pg_dump", "--dbname="+dbtest.PostgresURL(), "--schema="+name,
		"--no-owner", "--no-privileges", "--inserts").Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	var keep []string
	for _, line := range strings.Split(string(out), "\n") {
		// psql meta-commands (\restrict) mean nothing to the server, and
		// the test creates the schema itself.
		if strings.HasPrefix(line, `\`) || line == "CREATE SCHEMA "+name+";" {
			continue
		}
		keep = append(keep, strings.ReplaceAll(line, name, schemaPlaceholder))
	}
	return strings.Join(keep, "\n")
}

// TestEnginesGetTheSameSchema: SQLite and PostgreSQL get the same tables,
// columns, keys and indexes from the one tree, apart from the differences
// schema.portable lists.
func TestEnginesGetTheSameSchema(t *testing.T) {
	if dbtest.PostgresURL() == "" {
		t.Skip("PROFHUB_TEST_DATABASE_URL not set: nothing to compare SQLite with")
	}
	lite := dumpSchema(t, dbtest.OpenSQLite(t)).portable()
	pg := dumpSchema(t, dbtest.OpenPostgres(t)).portable()
	if diff := diffLines(lite, pg); len(diff) > 0 {
		t.Errorf("schemas differ (- SQLite, + PostgreSQL):\n%s", strings.Join(diff, "\n"))
	}
	if len(lite) < 500 {
		t.Errorf("only %d schema facts read: the dump misses the schema", len(lite))
	}
}
