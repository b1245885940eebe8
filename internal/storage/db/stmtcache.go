package db

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps prepared statements by their text. SQLite (modernc)
// otherwise parses and plans every statement on every call, which costs
// about a fifth of the hot ingest path; database/sql prepares a cached
// statement once per connection and reuses it.
type stmtCache struct {
	m       sync.Map // query text → *sql.Stmt
	pending sync.Map // query text → struct{}: being prepared
}

// cachedOrLater returns the prepared statement of query if there is one;
// otherwise it prepares it in the background and the caller runs the text
// directly this time. A transaction must not wait for a statement here:
// preparing takes a connection from the pool, and on SQLite the pool may be
// full of connections waiting for the write lock this transaction holds
// (a stall until the busy timeout, found by the widget benchmark).
func (d *DB) cachedOrLater(query string) (*sql.Stmt, bool) {
	if st, ok := d.stmts.m.Load(query); ok {
		return st.(*sql.Stmt), true
	}
	if _, busy := d.stmts.pending.LoadOrStore(query, struct{}{}); !busy {
		go func() {
			defer d.stmts.pending.Delete(query)
			_, _ = d.prepared(context.Background(), query)
		}()
	}
	return nil, false
}

func (d *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := d.stmts.m.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := d.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := d.stmts.m.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// Cached wraps tx so that its statements are prepared once and reused.
// Use it on hot paths with a fixed set of statement texts.
func (d *DB) Cached(tx *sql.Tx) Execer { return cachedTx{d: d, tx: tx} }

type cachedTx struct {
	d  *DB
	tx *sql.Tx
}

func (c cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, ok := c.d.cachedOrLater(query)
	if !ok {
		return c.tx.ExecContext(ctx, query, args...)
	}
	return c.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
}

func (c cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, ok := c.d.cachedOrLater(query)
	if !ok {
		return c.tx.QueryContext(ctx, query, args...)
	}
	return c.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
}

func (c cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, ok := c.d.cachedOrLater(query)
	if !ok {
		return c.tx.QueryRowContext(ctx, query, args...)
	}
	return c.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
}

// QueryCached runs a hot read outside a transaction through the statement
// cache (a widget socket reads its conversation on every wake-up).
func (d *DB) QueryCached(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := d.prepared(ctx, query)
	if err != nil {
		return d.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowCached is QueryCached for one row.
func (d *DB) QueryRowCached(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := d.prepared(ctx, query)
	if err != nil {
		return d.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// Prepared is the database outside a transaction with every statement
// going through the cache, for hot paths that take an Execer (an
// operator's reply and its dispatch read the same few rows each time).
func (d *DB) Prepared() Execer { return preparedDB{d} }

type preparedDB struct{ d *DB }

func (p preparedDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := p.d.prepared(ctx, query)
	if err != nil {
		return p.d.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

func (p preparedDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.d.QueryCached(ctx, query, args...)
}

func (p preparedDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.d.QueryRowCached(ctx, query, args...)
}
