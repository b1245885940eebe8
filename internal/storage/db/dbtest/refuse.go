package dbtest

import (
	"context"
	"testing"

	"github.com/profhub/profhub/internal/storage/db"
)

// RefuseWrites makes every write to table fail the way a full disk does
// (on PostgreSQL with SQLSTATE 53100 disk_full), and returns the undo: a
// disk that refuses writes, confined to one test's database or schema.
func RefuseWrites(t testing.TB, d *db.DB, table string) (undo func()) {
	t.Helper()
	ctx := context.Background()
	stmts := []string{`CREATE TRIGGER refuse_insert BEFORE INSERT ON ` + table + ` BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`,
		`CREATE TRIGGER refuse_update BEFORE UPDATE ON ` + table + ` BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`}
	drop := []string{`DROP TRIGGER refuse_insert`, `DROP TRIGGER refuse_update`}
	if d.Dialect == db.Postgres {
		stmts = []string{`CREATE FUNCTION refuse_write() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$`,
			`CREATE TRIGGER refuse_write BEFORE INSERT OR UPDATE ON ` + table + ` FOR EACH ROW EXECUTE FUNCTION refuse_write()`}
		drop = []string{`DROP TRIGGER refuse_write ON ` + table, `DROP FUNCTION refuse_write`}
	}
	for _, s := range stmts {
		if _, err := d.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	return func() {
		for _, s := range drop {
			if _, err := d.ExecContext(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
	}
}
