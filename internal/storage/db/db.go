// Package db opens profhub's system of record: a SQLite file by default or
// PostgreSQL for several hub nodes. Both engines run the same statement text
// ($1-style placeholders bind by position on both drivers); the few dialect
// differences live in this package and in the Go migrations of the one
// migration tree (package migrations).
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the SQL engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// ErrNotFound is returned by store functions when a row does not exist or
// lies outside the caller's scope; the two are deliberately
// indistinguishable so ids of other units cannot be probed.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a unique constraint refuses a row.
var ErrConflict = errors.New("already exists")

// DB is the database handle shared by all stores.
type DB struct {
	*sql.DB
	Dialect     Dialect
	migrateLock string // SQLite: file that serialises migrations between processes
	stmts       stmtCache
	// writeTurn (SQLite) queues this process's transactions for the one
	// write lock, which each takes at BEGIN (_txlock=immediate). Left to
	// SQLite's busy handler, waiting writers poll with sleeps of up to
	// 100 ms and are served in no order, so under load one could lose the
	// lock again and again: the widget bench's replies waited hundreds of
	// milliseconds that way. A channel serves its waiters in turn.
	writeTurn chan struct{}
	// breaker (PostgreSQL) fails connection attempts at once while the
	// server is known to be down; see breaker.go.
	breaker *breaker
	probe   writeProbe
}

// sqliteBusy is how long a transaction waits for the write lock, in this
// process as in SQLite's busy_timeout for other processes.
const sqliteBusy = 10 * time.Second

// Open connects to url (empty: SQLite file in dataDir), checks the
// connection and applies the embedded migrations.
func Open(ctx context.Context, databaseURL, dataDir string) (*DB, error) {
	var d *DB
	var err error
	if databaseURL == "" {
		path := filepath.Join(dataDir, "profhub.db")
		d, err = openSQLite(path)
		if err == nil {
			d.migrateLock = path + ".migrate-lock"
		}
	} else {
		d, err = openPostgres(databaseURL)
	}
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.ping(pingCtx); err != nil {
		d.Close()
		return nil, fmt.Errorf("db: cannot reach %s database: %w", d.Dialect, err)
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// ping checks the connection. On SQLite the first connection switches the
// file to WAL, which needs a moment of exclusive access and fails at once
// with SQLITE_BUSY (no busy wait) while another process does the same, so
// it is retried.
func (d *DB) ping(ctx context.Context) error {
	for {
		err := d.PingContext(ctx)
		var sqliteErr *sqlite.Error
		if err == nil || !errors.As(err, &sqliteErr) || sqliteErr.Code()&0xff != sqlite3.SQLITE_BUSY {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// sqliteURIPath escapes what a file: URI would read as its own syntax: a
// data directory named "…#1" (as Go names a subtest's temporary
// directory) otherwise opened the file named by the part before the "#",
// one shared by every such run.
func sqliteURIPath(path string) string {
	return strings.NewReplacer("%", "%25", "#", "%23", "?", "%3f").Replace(path)
}

func openSQLite(path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("db: data directory: %w", err)
	}
	// _txlock=immediate takes the write lock at BEGIN: without it concurrent
	// read-then-write transactions fail with SQLITE_BUSY instead of waiting.
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	sqldb, err := sql.Open("sqlite", "file:"+sqliteURIPath(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite: %w", err)
	}
	// One writer at a time is all SQLite allows; readers use WAL snapshots.
	// Idle connections are kept (database/sql keeps 2 by default): a new
	// connection opens the file, runs the pragmas and prepares every cached
	// statement again, which under load was a tenth of the hub's CPU.
	sqldb.SetMaxOpenConns(8)
	sqldb.SetMaxIdleConns(8)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{DB: sqldb, Dialect: SQLite, writeTurn: make(chan struct{}, 1)}, nil
}

// pgConnectTimeout bounds a dial to PostgreSQL when the URL does not set
// connect_timeout: without it a server that drops packets holds a request
// for the kernel's TCP timeout (minutes).
const pgConnectTimeout = 2 * time.Second

func openPostgres(url string) (*DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("db: open postgres: %w", err)
	}
	if !strings.Contains(url, "connect_timeout") {
		cfg.ConnectTimeout = pgConnectTimeout
	}
	b := &breaker{}
	// A FATAL error on an open connection (the server shutting down,
	// the backend terminated) tells of an outage before any new dial does.
	onPgError := cfg.OnPgError
	cfg.OnPgError = func(c *pgconn.PgConn, pgErr *pgconn.PgError) bool {
		if strings.EqualFold(pgErr.Severity, "FATAL") && unavailableSQLState(pgErr.Code) {
			b.record(pgErr)
		}
		return onPgError(c, pgErr)
	}
	sqldb := sql.OpenDB(guardedConnector{Connector: stdlib.GetConnector(*cfg), b: b})
	sqldb.SetMaxOpenConns(16)
	sqldb.SetMaxIdleConns(16)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	b.onChange = append(b.onChange, func(down bool, _ error) {
		if down {
			// Idle connections are dead too: dropping them now sends the
			// next queries to the breaker instead of into broken sockets.
			sqldb.SetMaxIdleConns(0)
			sqldb.SetMaxIdleConns(16)
		}
	})
	return &DB{DB: sqldb, Dialect: Postgres, breaker: b}, nil
}

// WriteTurn waits for this process's turn at the SQLite write lock (see
// writeTurn); a transaction begun outside Tx, on a connection of its own,
// takes it first and calls release once it has committed or rolled back.
// On PostgreSQL it returns at once.
func (d *DB) WriteTurn(ctx context.Context) (release func(), err error) {
	if d.writeTurn == nil {
		return func() {}, nil
	}
	wait := time.NewTimer(sqliteBusy)
	defer wait.Stop()
	select {
	case d.writeTurn <- struct{}{}:
		return func() { <-d.writeTurn }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("db: begin: %w", ctx.Err())
	case <-wait.C:
		return nil, errors.New("db: begin: database is locked (waited for other transactions of this process)")
	}
}

// Tx runs fn in a transaction, committing when fn returns nil.
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	release, err := d.WriteTurn(ctx)
	if err != nil {
		return err
	}
	defer release()
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	return nil
}

// Execer is what both *sql.DB and *sql.Tx offer; store helpers that may run
// inside or outside a transaction take it.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// IsUniqueViolation reports whether err comes from a UNIQUE or PRIMARY KEY
// constraint, on either engine.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		code := sqliteErr.Code()
		return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// Now is the time stored in *_at columns: milliseconds since the Unix epoch.
// Integers compare, sort and bind identically on both engines, which
// timestamp types do not.
func Now() int64 { return time.Now().UnixMilli() }

// Time converts a stored *_at value back.
func Time(ms int64) time.Time { return time.UnixMilli(ms) }

// EscapeLike escapes % and _ for use in a LIKE pattern with ESCAPE '\'.
func EscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
