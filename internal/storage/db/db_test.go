package db_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/internal/storage/db/migrations"
)

func TestOpenSQLiteCreatesTheFileAndReopens(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	d, err := db.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Dialect != db.SQLite {
		t.Errorf("dialect %q", d.Dialect)
	}
	if _, err := os.Stat(filepath.Join(dir, "profhub.db")); err != nil {
		t.Errorf("database file: %v", err)
	}
	if _, err := d.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('k', 'v', 1)`); err != nil {
		t.Fatal(err)
	}
	d.Close()
	// Opened again, it keeps its rows and applies nothing twice.
	d, err = db.Open(ctx, "", dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer d.Close()
	var v string
	if err := d.QueryRow(`SELECT value FROM settings WHERE key = 'k'`).Scan(&v); err != nil || v != "v" {
		t.Fatalf("after reopening: %q, %v", v, err)
	}
}

func TestOpenRefusesAnUnreachableDatabase(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Port 1 on loopback refuses at once.
	_, err := db.Open(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", "")
	if err == nil || !strings.Contains(err.Error(), "cannot reach postgres database") {
		t.Fatalf("err = %v, want cannot reach", err)
	}
	// A data directory below a file cannot be made.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Open(ctx, "", filepath.Join(file, "data")); err == nil || !strings.Contains(err.Error(), "data directory") {
		t.Fatalf("err = %v, want a data directory error", err)
	}
}

func TestTxCommitsOrRollsBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		insert := func(key string, fail error) error {
			return d.Tx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, 'v', 1)`, key); err != nil {
					return err
				}
				return fail
			})
		}
		boom := errors.New("boom")
		if err := insert("kept", nil); err != nil {
			t.Fatal(err)
		}
		if err := insert("dropped", boom); !errors.Is(err, boom) {
			t.Fatalf("err = %v, want fn's error back", err)
		}
		// A duplicate key fails the statement; IsUniqueViolation knows it.
		if err := insert("kept", nil); !db.IsUniqueViolation(err) {
			t.Fatalf("duplicate: %v, want a unique violation", err)
		}
		var keys []string
		rows, err := d.Query(`SELECT key FROM settings ORDER BY key`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				t.Fatal(err)
			}
			keys = append(keys, k)
		}
		if strings.Join(keys, ",") != "kept" {
			t.Fatalf("rows %q, want only the committed one", keys)
		}
		if db.IsUniqueViolation(boom) || db.IsUniqueViolation(nil) {
			t.Fatal("IsUniqueViolation true for a plain error")
		}
	})
}

// On SQLite a process's transactions take turns at the write lock: the
// second waits for the first's release, and gives up with its context.
// On PostgreSQL there is no turn to wait for.
func TestWriteTurnQueuesSQLiteWriters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		release, err := d.WriteTurn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		second := make(chan error, 1)
		go func() {
			r, err := d.WriteTurn(ctx)
			if err == nil {
				r()
			}
			second <- err
		}()
		if d.Dialect == db.Postgres {
			if err := <-second; err != nil {
				t.Fatalf("postgres: %v", err)
			}
			release()
			return
		}
		select {
		case err := <-second:
			t.Fatalf("second writer got its turn while the first held it (%v)", err)
		case <-time.After(100 * time.Millisecond):
		}
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		if _, err := d.WriteTurn(short); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("waiting past the context: %v", err)
		}
		// Tx waits for the turn too.
		txDone := make(chan error, 1)
		go func() { txDone <- d.Tx(ctx, func(*sql.Tx) error { return nil }) }()
		release()
		if err := <-second; err != nil {
			t.Fatalf("second writer after release: %v", err)
		}
		if err := <-txDone; err != nil {
			t.Fatalf("transaction after release: %v", err)
		}
	})
}

func TestMigrationStatusListsEveryMigrationApplied(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		lines, err := d.MigrationStatus(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// Every file of the tree that is a migration (NNNNN_name.sql/.go).
		want := 0
		entries, err := fs.ReadDir(migrations.FS, ".")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if n := e.Name(); len(n) > 6 && n[5] == '_' && strings.Trim(n[:5], "0123456789") == "" {
				want++
			}
		}
		if want < 18 || len(lines) != want {
			t.Fatalf("%d migrations listed, want %d (the tree's files):\n%s", len(lines), want, strings.Join(lines, "\n"))
		}
		for _, want := range []string{"00001_foundation.go", "00003_inbox_attachments.sql", "00021_crm_appeals.go"} {
			found := false
			for _, l := range lines {
				if strings.HasPrefix(l, "applied") && strings.HasSuffix(l, " "+want) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s not listed as applied:\n%s", want, strings.Join(lines, "\n"))
			}
		}
	})
}

func TestEscapeLike(t *testing.T) {
	for in, want := range map[string]string{"abc": "abc", "50%": `50\%`, "a_b": `a\_b`, `c:\x`: `c:\\x`, "": ""} {
		if got := db.EscapeLike(in); got != want {
			t.Errorf("EscapeLike(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTimeRoundTrip(t *testing.T) {
	now := db.Now()
	if got := db.Time(now).UnixMilli(); got != now {
		t.Fatalf("Time(%d) = %d", now, got)
	}
}

// A data directory whose name holds URI syntax ("#", "?", "%") keeps its
// database inside it, not in a file named by the part before the "#".
func TestSQLiteInDirectoryWithURISyntax(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run#1?x=%41")
	d, err := db.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	if _, err := os.Stat(filepath.Join(dir, "profhub.db")); err != nil {
		t.Fatalf("the database is not in its directory: %v", err)
	}
	if _, err := os.Stat(strings.SplitN(dir, "#", 2)[0]); err == nil {
		t.Fatal("a file was made where the directory's name is cut at '#'")
	}
}
