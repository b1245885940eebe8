package widget

import (
	"context"

	"github.com/profhub/profhub/internal/storage/db"
)

// flushTurns bounds the socket flushes that read SQL at the same time.
// A reply to a crowd of visitors, or a burst of messages, wakes thousands
// of sockets at once; each flush reads its conversation from SQL, and
// with unbounded concurrency those reads took every connection of the
// pool while operators' replies and ingest batches queued behind them for
// one. Half the pool is the flushes' share; the other half stays for the
// writers, whose commits are what the visitors wait for anyway. A socket's
// turn covers its reads only, never its write to the visitor, so a slow
// visitor holds no connection's worth of turn.
type flushTurns chan struct{}

// unboundedPoolTurns is the flushes' share of a pool without a limit.
const unboundedPoolTurns = 32

// newFlushTurns gives half of maxOpen turns (at least one), or
// unboundedPoolTurns when the pool has no limit (maxOpen 0).
func newFlushTurns(maxOpen int) flushTurns {
	if maxOpen <= 0 {
		return make(flushTurns, unboundedPoolTurns)
	}
	return make(flushTurns, max(maxOpen/2, 1))
}

// take waits for a turn; it is false when ctx ends first.
func (t flushTurns) take(ctx context.Context) bool {
	select {
	case t <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// give hands a turn back.
func (t flushTurns) give() { <-t }

// maxOpenConnections is the pool's limit, 0 (no limit) without a pool.
func maxOpenConnections(d *db.DB) int {
	if d == nil || d.DB == nil {
		return 0
	}
	return d.Stats().MaxOpenConnections
}
