package db

import (
	"context"
	"database/sql"
	"os"
	"testing"
	"time"
)

// Internal test: dbtest imports this package, so it opens its own SQLite
// database (or PostgreSQL without a private schema, which the statements
// below do not need).
func openForCache(t *testing.T) []*DB {
	t.Helper()
	d, err := Open(context.Background(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	out := []*DB{d}
	if url := os.Getenv("PROFHUB_TEST_DATABASE_URL"); url != "" {
		pg, err := openPostgres(url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pg.Close() })
		out = append(out, pg)
	}
	return out
}

func (d *DB) isCached(q string) bool { _, ok := d.stmts.m.Load(q); return ok }

// A statement run through Cached runs at once as text and is prepared in
// the background for the next call; Prepared and QueryRowCached prepare on
// first use. Results are the same either way.
func TestStatementCache(t *testing.T) {
	for _, d := range openForCache(t) {
		t.Run(string(d.Dialect), func(t *testing.T) {
			ctx := context.Background()
			const q = `SELECT $1 || '-' || $2`
			for i := 0; i < 3; i++ {
				var got string
				err := d.Tx(ctx, func(tx *sql.Tx) error {
					return d.Cached(tx).QueryRowContext(ctx, q, "a", "b").Scan(&got)
				})
				if err != nil || got != "a-b" {
					t.Fatalf("call %d: %q, %v", i, got, err)
				}
			}
			deadline := time.Now().Add(5 * time.Second)
			for !d.isCached(q) {
				if time.Now().After(deadline) {
					t.Fatal("the statement was never prepared in the background")
				}
				time.Sleep(10 * time.Millisecond)
			}
			const q2 = `SELECT $1 || '+'`
			var got string
			if err := d.Prepared().QueryRowContext(ctx, q2, "x").Scan(&got); err != nil || got != "x+" {
				t.Fatalf("Prepared: %q, %v", got, err)
			}
			if !d.isCached(q2) {
				t.Error("Prepared did not keep its statement")
			}
			rows, err := d.QueryCached(ctx, q2, "y")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				if err := rows.Scan(&got); err != nil || got != "y+" {
					t.Fatalf("QueryCached: %q, %v", got, err)
				}
			}
			rows.Close()
			// A statement that cannot be prepared falls back to the text,
			// whose error the caller sees.
			if err := d.QueryRowCached(ctx, `SELECT * FROM no_such_table`).Scan(&got); err == nil {
				t.Fatal("a query on a missing table succeeded")
			}
			if d.isCached(`SELECT * FROM no_such_table`) {
				t.Fatal("a failed statement was cached")
			}
		})
	}
}
