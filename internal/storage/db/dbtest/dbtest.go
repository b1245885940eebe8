// Package dbtest gives tests a migrated, private database: a SQLite file in
// a temporary directory, or a fresh schema in the PostgreSQL named by
// PROFHUB_TEST_DATABASE_URL, so parallel test runs never see each other.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/profhub/profhub/internal/storage/db"
)

// PostgresURL is the test PostgreSQL, or "" when tests run on SQLite only.
func PostgresURL() string { return os.Getenv("PROFHUB_TEST_DATABASE_URL") }

// Each runs fn once per available engine: SQLite always, PostgreSQL when
// PROFHUB_TEST_DATABASE_URL is set.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	if PostgresURL() != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
	}
}

// Open returns the preferred engine for a test that needs only one:
// PostgreSQL when configured, else SQLite.
func Open(t *testing.T) *db.DB {
	t.Helper()
	if PostgresURL() != "" {
		return OpenPostgres(t)
	}
	return OpenSQLite(t)
}

// OpenSQLite opens a migrated SQLite database in a temporary directory.
func OpenSQLite(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), "", t.TempDir())
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// OpenPostgres creates a private schema, opens it and migrates it; the
// schema is dropped when the test ends.
func OpenPostgres(t testing.TB) *db.DB {
	t.Helper()
	dsn, _ := NewPostgresSchema(t)
	d, err := db.Open(context.Background(), dsn, "")
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// NewPostgresSchema creates an empty schema and returns a URL whose
// connections use it. Several hub processes in one test can share it.
func NewPostgresSchema(t testing.TB) (dsn, schema string) {
	t.Helper()
	base := PostgresURL()
	if base == "" {
		t.Skip("PROFHUB_TEST_DATABASE_URL not set")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema = "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("dbtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("dbtest: PROFHUB_TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), schema
}
