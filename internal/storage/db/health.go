package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrUnavailable marks an error that says the database cannot be used
// right now (it is down, unreachable, full or read-only), as opposed to a
// row that is missing or a statement that is wrong. Callers answer it with
// "try again later", never with "not found" or "not signed in".
var ErrUnavailable = errors.New("database unavailable")

// IsUnavailable reports whether err means a dependency could not be
// reached or refused to work for a while: the database's connection
// errors (pgx, database/sql, network), PostgreSQL's classes for
// connection failures, shutdowns, exhausted resources, read-only
// transactions and serialization conflicts, SQLite's full, read-only,
// locked and I/O errors, and an exceeded deadline. A cancelled context is
// not one: that is the caller leaving.
func IsUnavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return unavailableSQLState(pgErr.Code)
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) || pgconn.Timeout(err) {
		return true
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		switch sqliteErr.Code() & 0xff {
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN,
			sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
		return false
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE)
}

// unavailableSQLState lists PostgreSQL's SQLSTATEs that pass with time
// (appendix A of the PostgreSQL manual): 08 connection exception, 53
// insufficient resources (disk full, out of memory, too many
// connections), 57P01–57P05 shutdown and "cannot connect now", 58 system
// error, 25006 read-only transaction, 40001/40P01 serialization failure and
// deadlock.
func unavailableSQLState(code string) bool {
	switch {
	case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "53"), strings.HasPrefix(code, "57P"),
		strings.HasPrefix(code, "58"):
		return true
	}
	switch code {
	case "25006", "40001", "40P01":
		return true
	}
	return false
}

// unavailable wraps err so that errors.Is(…, ErrUnavailable) holds while
// the cause stays readable in the log.
func unavailable(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}
