package inbox

import (
	"context"
	"database/sql"
	"errors"
	"sync/atomic"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// maxBatch bounds how many inbound messages share one transaction.
const maxBatch = 256

// batcher commits concurrent inbound messages together (group commit): one
// transaction and one fsync for many messages, which is what lets ingest
// go past the engines' single-row commit rates. Each message runs in its
// own savepoint, so a duplicate or a failure affects only that message.
type batcher struct {
	ingestion *Ingestion
	queue     chan *pendingIngest
	writers   int
	// after carries committed batches' Redis work to one goroutine, so a
	// writer starts its next transaction instead of waiting on Redis.
	after chan []*txw
	// replaysUntil (ms): after a batch met a replay, batches look their
	// provider ids up first for a while. Otherwise the message insert's
	// ON CONFLICT finds replays, and one query per batch is saved.
	replaysUntil atomic.Int64
}

type pendingIngest struct {
	item ingestItem
	res  IngestResult
	err  error
	done chan struct{}
}

func newBatcher(ing *Ingestion) *batcher {
	writers := 1 // SQLite has one writer anyway
	if ing.db.Dialect == db.Postgres {
		writers = 2
	}
	return &batcher{ingestion: ing, queue: make(chan *pendingIngest, 4*maxBatch), writers: writers}
}

func (b *batcher) submit(ctx context.Context, it ingestItem) (IngestResult, error) {
	p := &pendingIngest{item: it, done: make(chan struct{})}
	select {
	case b.queue <- p:
	case <-ctx.Done():
		return IngestResult{}, ctx.Err()
	case <-b.ingestion.ctx.Done():
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
	b.after = make(chan []*txw, 4*b.writers)
	afterDone := make(chan struct{})
	go func() {
		defer close(afterDone)
		b.tellRedis()
	}()
	defer func() {
		close(b.after) // the writers have stopped sending
		<-afterDone
	}()
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

// commit writes a batch in one transaction. A deadlock or serialization
// failure runs it again (batcher_retry.go). If it still fails (a
// concurrent insert by another node, a replay racing its original), each
// message is retried in a transaction of its own, where it meets the
// winner's row as a duplicate.
func (b *batcher) commit(batch []*pendingIngest) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b.ingestion.metric.batchSize.Observe(float64(len(batch)))
	var after []*txw
	w, err := b.commitTogether(ctx, batch)
	for attempt := 0; err != nil && isTransientSQL(err) && attempt < transientRetries; attempt++ {
		time.Sleep(transientPause(attempt))
		w, err = b.commitTogether(ctx, batch)
	}
	if err == nil {
		after = append(after, w)
		b.ingestion.metric.firstOne.WithLabelValues("contact").Add(float64(w.firstTogether[0]))
		b.ingestion.metric.firstOne.WithLabelValues("conversation").Add(float64(w.firstTogether[1]))
	} else {
		if errors.Is(err, errDuplicate) {
			b.replaysUntil.Store(time.Now().Add(30 * time.Second).UnixMilli())
		}
		if !errors.Is(err, errRetry) && !errors.Is(err, errDuplicate) && !isTransientSQL(err) {
			b.ingestion.log.Warn("group commit failed; committing one by one", "size", len(batch), "err", err)
		}
		for _, p := range batch {
			var lastErr error
			for attempt := range 4 + transientRetries {
				var w *txw
				if w, lastErr = b.commitTogether(ctx, []*pendingIngest{p}); lastErr == nil {
					after = append(after, w)
					break
				}
				transient := isTransientSQL(lastErr)
				if !errors.Is(lastErr, errRetry) && !errors.Is(lastErr, errDuplicate) && !transient {
					break
				}
				if !transient && attempt >= 3 {
					break // as many tries as before for a conflict of ours
				}
				time.Sleep(max(time.Duration(attempt+1)*10*time.Millisecond, transientPause(attempt)))
			}
			if lastErr != nil {
				p.res, p.err = IngestResult{}, lastErr
			}
		}
	}
	// Callers learn the result as soon as it is committed; Redis hears of
	// it right after.
	for _, p := range batch {
		close(p.done)
	}
	if len(after) > 0 {
		// The local readers take the events at once; Redis (the other
		// nodes) hears of them from tellRedis.
		for _, w := range after {
			b.ingestion.events.tail.committed(w.events)
		}
		b.ingestion.events.poke()
		b.after <- after
	}
}

// tellRedis does the after-commit work of committed batches in the order
// they come. Nothing in it needs to wait for the next batch's commit: the
// relay reads events from the SQL log whatever order its wake-ups come in,
// and queue entries carry their own time.
func (b *batcher) tellRedis() {
	for ws := range b.after {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		for _, w := range ws {
			b.ingestion.afterCommit(ctx, w)
		}
		cancel()
	}
}

// commitTogether ingests the batch in one transaction. Messages already
// stored (replays) and repeats within the batch are answered as duplicates
// without writing.
func (b *batcher) commitTogether(ctx context.Context, batch []*pendingIngest) (*txw, error) {
	w := newTxw()
	err := b.ingestion.db.Tx(ctx, func(sqlTx *sql.Tx) error {
		tx := b.ingestion.db.Cached(sqlTx)
		known := map[[2]string]IngestResult{}
		if len(batch) == 1 || time.Now().UnixMilli() < b.replaysUntil.Load() {
			var err error
			if known, err = b.known(ctx, sqlTx, batch); err != nil {
				return err
			}
		}
		first := map[[2]string]*pendingIngest{}
		var fresh []*pendingIngest
		var repeats [][2]*pendingIngest
		for _, p := range batch {
			key := [2]string{p.item.ch.ID, p.item.in.ExternalMessageID}
			p.err = nil
			if r, ok := known[key]; ok {
				p.res = r
				continue
			}
			if f, ok := first[key]; ok {
				repeats = append(repeats, [2]*pendingIngest{p, f})
				continue
			}
			first[key] = p
			fresh = append(fresh, p)
		}
		if len(fresh) > 0 {
			if err := b.ingestion.ingestBatch(ctx, tx, w, fresh); err != nil {
				return err // retried one by one
			}
		}
		for _, r := range repeats {
			r[0].res = r[1].res
			r[0].res.Duplicate = true
		}
		return w.flush(ctx, tx, b.ingestion.db.Dialect)
	})
	return w, err
}

// known looks up the batch's provider ids in one query per channel.
func (b *batcher) known(ctx context.Context, tx *sql.Tx, batch []*pendingIngest) (map[[2]string]IngestResult, error) {
	byChannel := map[string][]string{}
	for _, p := range batch {
		byChannel[p.item.ch.ID] = append(byChannel[p.item.ch.ID], p.item.in.ExternalMessageID)
	}
	out := map[[2]string]IngestResult{}
	for ch, ids := range byChannel {
		found, err := knownInbound(ctx, tx, ch, ids)
		if err != nil {
			return nil, err
		}
		for ext, r := range found {
			out[[2]string{ch, ext}] = r
		}
	}
	return out, nil
}
