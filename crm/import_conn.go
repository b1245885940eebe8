package crm

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/profhub/profhub/internal/storage/db"
)

// importConn is the one connection an import works on, where the two
// engines are driven differently (the dialect differences of the import
// live here):
//
//   - PostgreSQL: new rows go in with COPY, and the look-ups are planned
//     for their arguments each time. pgx otherwise prepares them once per
//     connection, and the server keeps the generic plan it made while the
//     tables were nearly empty: a sequential scan of the phones per batch,
//     which made a quarter of a million rows take minutes (quadratic).
//   - SQLite: transactions of many batches (importTxRows), a page cache
//     large enough for their changed index pages (with the default 2 MB
//     the pager spilled pages into the WAL in the middle of every
//     transaction and read them back), and checkpoints every 64 MB of WAL
//     rather than every 4 MB; no foreign keys and no statement journals
//     (import_fk.go).
type importConn struct {
	d       *db.DB
	conn    *sql.Conn
	tx      *sql.Tx // open across batches until it holds importTxRows rows (SQLite)
	pending int     // rows applied in tx
	release func()  // gives back the write turn tx holds (db.WriteTurn)
	parents importParents
}

// importTxRows is the number of rows an import commits at once on
// SQLite. A commit writes every page its rows changed, and a batch of
// random names changes pages all over the names' indexes: at 254,000
// members, transactions of 2,000 rows wrote (and checkpointed) most of
// those indexes again and again, and the import slowed as they grew. The
// other writers wait for the lock meanwhile (a second or two). PostgreSQL
// commits each batch.
const importTxRows = 20000

// importCacheKiB is the SQLite page cache of an import's connection.
const importCacheKiB = 256 << 10

// importCheckpointPages is the WAL size (pages) at which an import's
// commit copies the WAL into the database: the hot index pages are copied
// once per checkpoint, so fewer checkpoints copy less (1,000 by default).
const importCheckpointPages = 16000

// openImportConn takes a connection from the pool for an import; close
// gives it back as it was.
func openImportConn(ctx context.Context, d *db.DB) (*importConn, func(), error) {
	conn, err := d.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("crm: import: %w", err)
	}
	c := &importConn{d: d, conn: conn}
	if d.Dialect != db.SQLite {
		return c, c.close, nil
	}
	var cache, checkpoint int
	fk, err := foreignKeysOff(ctx, conn)
	if err == nil {
		err = conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache)
	}
	if err == nil {
		err = conn.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&checkpoint)
	}
	if err == nil {
		_, err = conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, importCacheKiB))
	}
	if err == nil {
		_, err = conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA wal_autocheckpoint = %d`, importCheckpointPages))
	}
	if err != nil {
		// Its settings may be half changed (foreign keys off): the pool
		// must not get it back.
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		conn.Close()
		return nil, nil, fmt.Errorf("crm: import: connection settings: %w", err)
	}
	return c, func() {
		c.rollback()
		// The pool keeps the connection: it must not keep the large cache.
		_, err := conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, cache))
		if err == nil {
			_, err = conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA foreign_keys = %d`, fk))
		}
		if err == nil {
			_, err = conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA wal_autocheckpoint = %d`, checkpoint))
		}
		if err != nil {
			// database/sql closes a connection whose Raw call says it is bad.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}

func (c *importConn) close() {
	c.rollback()
	c.conn.Close()
}

// rollback ends the transaction of an import that failed, if one is open.
func (c *importConn) rollback() {
	c.parents = importParents{}
	if c.tx != nil {
		_ = c.tx.Rollback()
		c.end()
	}
}

// end forgets the finished transaction and lets the process's other
// writers have the lock.
func (c *importConn) end() {
	c.tx, c.pending = nil, 0
	c.release()
	c.release = nil
}

// apply runs fn for a batch of n rows in the import's transaction,
// which it begins if need be and commits once it holds enough rows. An
// error rolls back every batch since the last commit.
func (c *importConn) apply(ctx context.Context, n int, fn func(tx *sql.Tx) error) error {
	if c.tx == nil {
		// The import's transaction queues with the process's others for
		// the SQLite write lock, rather than holding the lock while a
		// writer that took its turn waits in SQLite's busy handler.
		release, err := c.d.WriteTurn(ctx)
		if err != nil {
			return fmt.Errorf("crm: import: %w", err)
		}
		tx, err := c.conn.BeginTx(ctx, nil)
		if err != nil {
			release()
			return fmt.Errorf("crm: import: begin: %w", err)
		}
		c.tx, c.release = tx, release
	}
	if err := fn(c.tx); err != nil {
		c.rollback()
		return err
	}
	c.pending += n
	if c.d.Dialect == db.SQLite && c.pending < importTxRows {
		return nil
	}
	return c.commit(ctx)
}

// commit commits the batches applied since the last commit.
func (c *importConn) commit(ctx context.Context) error {
	if c.tx == nil {
		return nil
	}
	if err := c.checkParents(ctx, c.tx); err != nil {
		c.rollback()
		return err
	}
	err := c.tx.Commit()
	c.end()
	if err != nil {
		return fmt.Errorf("crm: import: commit: %w", err)
	}
	return nil
}

// query runs a look-up whose text changes with the size of its key list.
func (c *importConn) query(ctx context.Context, tx *sql.Tx, q string, args ...any) (*sql.Rows, error) {
	if c.d.Dialect == db.Postgres {
		args = append([]any{pgx.QueryExecModeExec}, args...)
	}
	return tx.QueryContext(ctx, q, args...)
}

// insert adds rows (values of cols) to table: COPY on PostgreSQL,
// statements of per rows on SQLite.
func (c *importConn) insert(ctx context.Context, tx *sql.Tx, table string, cols []string, per int, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	var err error
	if c.d.Dialect == db.Postgres {
		err = c.conn.Raw(func(dc any) error {
			pc, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("not a pgx connection: %T", dc)
			}
			// The COPY runs in tx: it is the same session.
			_, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
			return err
		})
	} else {
		// OR FAIL: see import_fk.go.
		err = insertRows(ctx, c.d, tx, `INSERT OR FAIL INTO `+table+` (`+strings.Join(cols, ", ")+`) VALUES `, per, rows)
	}
	if db.IsUniqueViolation(err) {
		return fmt.Errorf("crm: import: a card was added meanwhile with the same union card number: %w", db.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("crm: import: insert into %s: %w", table, err)
	}
	return nil
}

// insertRows runs head with rows of values, per rows to a statement, with
// "?" placeholders (see inList). Full statements go through the statement
// cache, since their text repeats.
func insertRows(ctx context.Context, d *db.DB, tx *sql.Tx, head string, per int, rows [][]any) error {
	q := d.Cached(tx)
	for len(rows) > 0 {
		chunk := rows[:min(per, len(rows))]
		rows = rows[len(chunk):]
		var text strings.Builder
		text.WriteString(head)
		args := make([]any, 0, len(chunk)*len(chunk[0]))
		for i, vs := range chunk {
			if i > 0 {
				text.WriteString(", ")
			}
			text.WriteByte('(')
			text.WriteString(inList(d, len(args)+1, len(vs)))
			args = append(args, vs...)
			text.WriteByte(')')
		}
		var err error
		if len(chunk) == per {
			_, err = q.ExecContext(ctx, text.String(), args...)
		} else {
			_, err = tx.ExecContext(ctx, text.String(), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
