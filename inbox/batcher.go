package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/profhub/profhub/db"
)

// maxBatch bounds how many inbound messages share one transaction.
const maxBatch = 256

// batcher commits concurrent inbound messages together (group commit): one
// transaction and one fsync for many messages, which is what lets ingest
// go past the engines' single-row commit rates. Each message runs in its
// own savepoint, so a duplicate or a failure affects only that message.
type batcher struct {
	e       *Engine
	queue   chan *pendingIngest
	writers int
}

type pendingIngest struct {
	item ingestItem
	res  IngestResult
	err  error
	done chan struct{}
}

func newBatcher(e *Engine) *batcher {
	writers := 1 // SQLite has one writer anyway
	if e.db.Dialect == db.Postgres {
		writers = 4
	}
	return &batcher{e: e, queue: make(chan *pendingIngest, 4*maxBatch), writers: writers}
}

func (b *batcher) submit(ctx context.Context, it ingestItem) (IngestResult, error) {
	p := &pendingIngest{item: it, done: make(chan struct{})}
	select {
	case b.queue <- p:
	case <-ctx.Done():
		return IngestResult{}, ctx.Err()
	case <-b.e.ctx.Done():
		return IngestResult{}, errors.New("inbox: shutting down")
	}
	// Once queued the message will be committed even if the caller gives
	// up waiting; a retried delivery then finds it as a duplicate.
	select {
	case <-p.done:
		return p.res, p.err
	case <-ctx.Done():
		return IngestResult{}, ctx.Err()
	}
}

func (b *batcher) run(ctx context.Context) {
	done := make(chan struct{})
	for range b.writers {
		go func() {
			defer func() { done <- struct{}{} }()
			b.writer(ctx)
		}()
	}
	for range b.writers {
		<-done
	}
}

func (b *batcher) writer(ctx context.Context) {
	for {
		var first *pendingIngest
		select {
		case first = <-b.queue:
		case <-ctx.Done():
			b.drain()
			return
		}
		batch := []*pendingIngest{first}
	fill:
		for len(batch) < maxBatch {
			select {
			case p := <-b.queue:
				batch = append(batch, p)
			default:
				break fill
			}
		}
		b.commit(batch)
	}
}

// drain answers whatever is still queued at shutdown.
func (b *batcher) drain() {
	for {
		select {
		case p := <-b.queue:
			b.commit([]*pendingIngest{p})
		default:
			return
		}
	}
}

// commit writes a batch; if the transaction as a whole fails (a commit
// error, a serialisation failure), each message is retried on its own.
func (b *batcher) commit(batch []*pendingIngest) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b.e.metric.batchSize.Observe(float64(len(batch)))
	var after []*txw
	if w, err := b.commitTogether(ctx, batch); err == nil {
		after = append(after, w)
	} else {
		b.e.log.Warn("group commit failed; committing one by one", "size", len(batch), "err", err)
		for _, p := range batch {
			var lastErr error
			for attempt := range 3 {
				var w *txw
				if w, lastErr = b.commitTogether(ctx, []*pendingIngest{p}); lastErr == nil {
					after = append(after, w)
					break
				}
				time.Sleep(time.Duration(attempt+1) * 20 * time.Millisecond)
			}
			if lastErr != nil {
				p.err = lastErr
			}
		}
	}
	// Callers learn the result as soon as it is committed; Redis hears of
	// it right after.
	for _, p := range batch {
		close(p.done)
	}
	for _, w := range after {
		b.e.afterCommit(ctx, w)
	}
}

func (b *batcher) commitTogether(ctx context.Context, batch []*pendingIngest) (*txw, error) {
	w := newTxw()
	err := b.e.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, p := range batch {
			p.res, p.err = b.one(ctx, tx, w, p.item)
		}
		return w.flush(ctx, tx)
	})
	return w, err
}

// one ingests a message in a savepoint, retrying once after a concurrent
// insert of the same contact or conversation by another node.
func (b *batcher) one(ctx context.Context, tx *sql.Tx, w *txw, it ingestItem) (IngestResult, error) {
	for attempt := 0; ; attempt++ {
		if _, err := tx.ExecContext(ctx, `SAVEPOINT ingest`); err != nil {
			return IngestResult{}, fmt.Errorf("inbox: savepoint: %w", err)
		}
		mark := w.mark()
		res, err := b.e.ingestOne(ctx, tx, w, it)
		if err == nil {
			_, err = tx.ExecContext(ctx, `RELEASE SAVEPOINT ingest`)
			return res, err
		}
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT ingest`); rerr != nil {
			return IngestResult{}, fmt.Errorf("inbox: rollback to savepoint: %w", rerr)
		}
		w.reset(mark)
		if errors.Is(err, errDuplicate) {
			r, ok, lerr := existingInbound(ctx, tx, it.ch.ID, it.in.ExternalMessageID)
			if lerr == nil && ok {
				return r, nil
			}
		}
		if (errors.Is(err, errRetry) || errors.Is(err, errDuplicate)) && attempt < 2 {
			continue
		}
		return IngestResult{}, err
	}
}
