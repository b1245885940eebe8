package crm

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
)

// ImportProgressBoard shares the row count of running imports between
// nodes: the node running a batch posts its count, any node's live
// progress (the SSE stream of the wizard) reads it. The hub gives one on
// Redis (hub.importBoard); nil keeps the count on the running node.
type ImportProgressBoard interface {
	PostImportProgress(ctx context.Context, batchID string, done int) error
	ImportProgress(ctx context.Context, batchID string) (done int, ok bool, err error)
}

// postEvery is how often a running import posts its count at most: the
// streams look every progressEvery, and the post must not slow the rows.
const postEvery = 100 * time.Millisecond

// progressPoster counts a run's rows for this node and posts the count
// to the board, at most every postEvery and once at the end.
type progressPoster struct {
	ctx   context.Context
	board ImportProgressBoard
	batch string
	done  *atomic.Int64
	last  time.Time
}

func (p *progressPoster) progress(n int) {
	p.done.Store(int64(n))
	if p.board == nil || time.Since(p.last) < postEvery {
		return
	}
	p.post()
}

func (p *progressPoster) post() {
	if p.board == nil {
		return
	}
	p.last = time.Now()
	if err := p.board.PostImportProgress(p.ctx, p.batch, int(p.done.Load())); err != nil {
		// Other nodes show the batch without its count until the next post.
		httpapi.Logger(p.ctx).Warn("crm: import progress not posted", "batch", p.batch, "err", err)
	}
}

// boardProgress is a running batch's count as the board has it.
func (s *ImportSessions) boardProgress(ctx context.Context, id string) (int, bool) {
	if s.board == nil {
		return 0, false
	}
	n, ok, err := s.board.ImportProgress(ctx, id)
	if err != nil {
		httpapi.Logger(ctx).Warn("crm: import progress not read", "batch", id, "err", err)
		return 0, false
	}
	return n, ok
}
