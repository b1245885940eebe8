package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// backupEnv is testEnv with, on PostgreSQL, a database of its own (a
// restore loads a whole database); drop removes that database, as if the
// installation were lost.
func backupEnv(t *testing.T, pg bool) (env []string, dataDir string, drop func()) {
	dataDir = t.TempDir()
	env = []string{"PROFHUB_DATA_DIR=" + dataDir, "PROFHUB_SECRET_KEY=" + testSecretKey}
	drop = func() {}
	if pg {
		base := dbtest.PostgresURL()
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		name := "backup_" + hex.EncodeToString(b)
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { admin.Close() })
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatalf("create database: %v", err)
		}
		drop = func() { _, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") }
		t.Cleanup(drop)
		u, _ := url.Parse(base)
		u.Path = "/" + name
		env = append(env, "PROFHUB_DATABASE_URL="+u.String())
	}
	return env, dataDir, drop
}

func envValue(env []string, key string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}

// fingerprint is every row of every table and every blob file, each
// reduced to a hash, so two installations can be compared whole.
func fingerprint(t *testing.T, env []string) (tables map[string]string, files map[string]string) {
	t.Helper()
	d, err := db.Open(context.Background(), envValue(env, "PROFHUB_DATABASE_URL"), envValue(env, "PROFHUB_DATA_DIR"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if d.Dialect == db.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	names := scanStrings(t, d.DB, q)
	tables = map[string]string{}
	for _, name := range names {
		rows, err := d.Query(`SELECT * FROM "` + name + `"`)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%q", vals))
		}
		rows.Close()
		sort.Strings(lines)
		sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		tables[name] = fmt.Sprintf("%d rows %x", len(lines), sum[:8])
	}
	files = map[string]string{}
	root := filepath.Join(envValue(env, "PROFHUB_DATA_DIR"), "blobs")
	_ = filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			files[rel] = fmt.Sprintf("%x", sha256.Sum256(b))
		}
		return nil
	})
	return tables, files
}

func scanStrings(t *testing.T, d *sql.DB, q string) []string {
	rows, err := d.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

// TestBackupRestoreRoundTrip: the demo installation is backed up, lost,
// and restored into an empty one with every row and every file.
func TestBackupRestoreRoundTrip(t *testing.T) {
	for _, pg := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[pg]
		t.Run(name, func(t *testing.T) {
			if pg && dbtest.PostgresURL() == "" {
				t.Skip("PROFHUB_TEST_DATABASE_URL not set")
			}
			env, dataDir, drop := backupEnv(t, pg)
			if code, out, errOut := runCLI(t, env, "demo"); code != 0 {
				t.Fatalf("demo: %d %q %q", code, out, errOut)
			}
			wantTables, wantFiles := fingerprint(t, env)
			if len(wantFiles) == 0 || wantTables["crm_members"] == "" || strings.HasPrefix(wantTables["crm_members"], "0 rows") {
				t.Fatalf("the demo left nothing to back up: %d files, members %q", len(wantFiles), wantTables["crm_members"])
			}
			to := filepath.Join(t.TempDir(), "nightly.tar.gz")
			code, out, errOut := runCLI(t, env, "backup", "--to", to)
			if code != 0 || !strings.Contains(out, "backup written to "+to) {
				t.Fatalf("backup: %d %q %q", code, out, errOut)
			}
			// The installation is lost.
			if err := os.RemoveAll(dataDir); err != nil {
				t.Fatal(err)
			}
			drop()
			target, _, _ := backupEnv(t, pg)
			code, out, errOut = runCLI(t, target, "restore", to)
			if code != 0 || !strings.Contains(out, "restored the backup") {
				t.Fatalf("restore: %d %q %q", code, out, errOut)
			}
			gotTables, gotFiles := fingerprint(t, target)
			for name, want := range wantTables {
				if gotTables[name] != want {
					t.Errorf("table %s: restored %q, backed up %q", name, gotTables[name], want)
				}
			}
			if len(gotTables) != len(wantTables) {
				t.Errorf("%d tables restored, %d backed up", len(gotTables), len(wantTables))
			}
			for name, want := range wantFiles {
				if gotFiles[name] != want {
					t.Errorf("blob %s: restored %q, backed up %q", name, gotFiles[name], want)
				}
			}
			if len(gotFiles) != len(wantFiles) {
				t.Errorf("%d blobs restored, %d backed up", len(gotFiles), len(wantFiles))
			}
			// The restored installation works.
			if _, out, _ := runCLI(t, target, "user", "list"); !strings.Contains(out, "operator1") {
				t.Errorf("user list after restore: %q", out)
			}
		})
	}
}
