package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// groupWriter commits operators' concurrent writes (replies, notes,
// closes, status changes) together, as the batcher does for inbound
// messages: with ten thousand widget chats open, each reply in a
// transaction of its own made replies queue behind one another's fsync.
// Every write keeps the guarantees it had alone:
//
//   - it runs in its own savepoint, so a failing write (a duplicate
//     client id, a closed conversation) undoes only itself;
//   - a conversation's seq is taken under its row lock, held until
//     commit, as before: no gaps, and a later write to the conversation
//     (in this group or another) numbers after it;
//   - the events of the group's successful writes are numbered and
//     stored in one flush after the last write, in submission order, so
//     the log holds them in the order the writes were made. The event
//     counter's row is thus locked only for that flush and the commit,
//     as in a lone write: holding it from the group's first write, through
//     up to maxGroup writes, made ingest batches (which take the counter
//     too) wait behind the group, and widget visitors queue behind them.
//     If that flush fails, the group is written again one by one, where a
//     write whose events cannot be stored fails alone;
//   - its caller hears of it only after the commit, and the after-commit
//     work (Redis, wake-ups) follows in the same order.
type groupWriter struct {
	c       *core
	queue   chan *pendingWrite
	writers int
}

// maxGroup bounds the writes of one transaction.
const maxGroup = 128

type pendingWrite struct {
	fn func(ctx context.Context, tx db.Execer, w *txw) error
	// post, when set, is what fn does, in a form the group can store with
	// its other posts in one statement (group_posts_pg.go).
	post *postWrite
	// assign, when set, is what fn does, in a form the group can store
	// with its other assignments in one statement (group_assign_pg.go).
	assign *assignWrite
	close  *closeWrite // likewise (group_close_pg.go)
	// refusal, when set, lets the group run fn without a savepoint of its
	// own: fn then either succeeds, or returns refusal having written
	// nothing (its condition failed: taken, closed), or fails in a way
	// that may have left the transaction aborted or half-written, and the
	// group is then written again with a savepoint for every write. On
	// PostgreSQL a savepoint is a round trip that the whole group waits
	// for: a crowd's take or close is one statement, and its savepoint
	// doubled the group's round trips.
	refusal error
	w       *txw
	err     error
	done    chan struct{}
}

// errBareFailed: a write running without a savepoint failed with more
// than its refusal. The group is written again with savepoints, where it
// fails alone.
var errBareFailed = errors.New("inbox: a write without a savepoint failed")

func newGroupWriter(c *core) *groupWriter {
	writers := 1 // SQLite has one writer anyway
	if c.db.Dialect == db.Postgres {
		writers = 2
	}
	return &groupWriter{c: c, queue: make(chan *pendingWrite, 4*maxGroup), writers: writers}
}

// writeGrouped runs p.fn in a shared transaction, then the after-commit
// work, like write. fn gets the transaction's context (a caller giving up
// does not break its neighbours' transaction) and may run more than once
// when the transaction is retried: it must set its results afresh.
func (c *core) writeGrouped(ctx context.Context, p *pendingWrite) error {
	if c.group == nil {
		return c.write(ctx, func(tx db.Execer, w *txw) error { return p.fn(ctx, tx, w) })
	}
	return c.group.submit(ctx, p)
}

// submit queues p and waits for its commit.
func (g *groupWriter) submit(ctx context.Context, p *pendingWrite) error {
	p.done = make(chan struct{})
	select {
	case g.queue <- p:
	case <-ctx.Done():
		return ctx.Err()
	case <-g.c.ctx.Done():
		return errors.New("inbox: shutting down")
	}
	// Once queued it is committed even if the caller stops waiting, as an
	// inbound message is; the caller's retry with the same client id then
	// finds it.
	select {
	case <-p.done:
		return p.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *groupWriter) run(ctx context.Context) {
	done := make(chan struct{})
	for range g.writers {
		go func() {
			defer func() { done <- struct{}{} }()
			g.writer(ctx)
		}()
	}
	for range g.writers {
		<-done
	}
}

func (g *groupWriter) writer(ctx context.Context) {
	for {
		var first *pendingWrite
		select {
		case first = <-g.queue:
		case <-ctx.Done():
			for { // answer what is still queued
				select {
				case p := <-g.queue:
					g.commit([]*pendingWrite{p})
				default:
					return
				}
			}
		}
		group := []*pendingWrite{first}
	fill:
		for len(group) < maxGroup {
			select {
			case p := <-g.queue:
				group = append(group, p)
			default:
				break fill
			}
		}
		g.commit(group)
	}
}

// commit writes a group in one transaction, retried after a deadlock or a
// serialization failure; a group that still fails is written one by one.
func (g *groupWriter) commit(group []*pendingWrite) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	g.c.metric.groupSize.Observe(float64(len(group)))
	posts := byKind(group)
	// fast: on PostgreSQL the posts, the assignments and the closes in one
	// statement each; everywhere no savepoint for a write that needs none.
	fast := true
	err := g.together(ctx, group, fast)
	for attempt := 0; err != nil && attempt < transientRetries; attempt++ {
		if errors.Is(err, errPostsApart) || errors.Is(err, errBareFailed) {
			// a write failed or met its duplicate: in its own savepoint it fails alone
			fast = false
			g.c.metric.groupsRedone.Inc()
		} else if !isTransientSQL(err) {
			break
		} else {
			time.Sleep(transientPause(attempt))
		}
		err = g.together(ctx, group, fast)
	}
	if err == nil && fast && g.c.db.Dialect == db.Postgres {
		g.countTogether(group, posts)
	}
	if err != nil && len(group) > 1 {
		g.c.log.Warn("group write failed; writing one by one", "size", len(group), "err", err)
		for _, p := range group {
			var one error
			for attempt := 0; attempt <= transientRetries; attempt++ {
				if one = g.together(ctx, []*pendingWrite{p}, false); one == nil || !isTransientSQL(one) {
					break
				}
				time.Sleep(transientPause(attempt))
			}
			if one != nil {
				p.w, p.err = nil, one
			}
		}
	} else if err != nil {
		group[0].w, group[0].err = nil, err
	}
	for _, p := range group {
		if p.w != nil {
			g.c.afterCommit(ctx, p.w)
		}
		close(p.done)
	}
}

// together runs the group's writes in one transaction, each in its own
// savepoint, then stores the successful writes' events in one flush. A
// write's own error is its answer; an error of the transaction (the
// flush, its commit, a savepoint that cannot be rolled back) is returned
// for the whole group. With fast, on PostgreSQL the group's leading posts,
// then its assignments, then its closes (byKind put them there) are stored
// in one statement each, and a write that may go without a savepoint
// does. A kind goes together only from the head of the writes still to
// do (a lone post ahead of the assignments sends them one by one): the
// writes run in the group's order, which is the order of their events.
func (g *groupWriter) together(ctx context.Context, group []*pendingWrite, fast bool) error {
	return g.c.db.Tx(ctx, func(sqlTx *sql.Tx) error {
		tx := g.c.db.Cached(sqlTx)
		rest := group
		if fast && g.c.db.Dialect == db.Postgres {
			if leadingPosts(rest) > 1 {
				n, err := storePostsPG(ctx, tx, rest)
				if err != nil {
					return err
				}
				rest = rest[n:]
			}
			for _, store := range []func(context.Context, db.Execer, []*pendingWrite) (int, error){storeAssignsPG, storeClosesPG} {
				n, err := store(ctx, tx, rest)
				if err != nil {
					return err
				}
				rest = rest[n:]
			}
		}
		// A write's savepoint is released in the same round trip as the
		// next one is set (both engines take the two statements in one
		// call without arguments): on PostgreSQL each is a round trip
		// that the whole group waits for.
		release := ""
		for i, p := range rest {
			p.w, p.err = newTxw(), nil
			if fast && p.refusal != nil {
				if err := runBare(ctx, tx, p); err != nil {
					return err
				}
				continue // a savepoint set before it stays open: rolling back to it is never needed after this write
			}
			sp := fmt.Sprintf("w%d", i)
			if _, err := sqlTx.ExecContext(ctx, release+"SAVEPOINT "+sp); err != nil {
				return err
			}
			if err := p.fn(ctx, tx, p.w); err != nil {
				if isTransientSQL(err) {
					return err // the whole group is retried
				}
				if _, rerr := sqlTx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+sp); rerr != nil {
					return fmt.Errorf("inbox: group write: %w (undoing: %w)", err, rerr)
				}
				p.w, p.err = nil, err
			}
			release = "RELEASE SAVEPOINT " + sp + "; "
		}
		if release != "" {
			if _, err := sqlTx.ExecContext(ctx, release); err != nil {
				return err
			}
		}
		return groupEvents(group).flush(ctx, tx, g.c.db.Dialect)
	})
}

// groupEvents gathers the events of a group's successful writes in
// submission order into one txw to flush. The events are the writes' own,
// so the flush numbers them in place for each write's after-commit work.
func groupEvents(group []*pendingWrite) *txw {
	all := &txw{}
	for _, p := range group {
		if p.w != nil {
			all.events = append(all.events, p.w.events...)
		}
	}
	return all
}

// countTogether counts the writes together stored in one statement
// each, following the same heads: a kind that was not at the head of the
// writes still to do went one by one.
func (g *groupWriter) countTogether(group []*pendingWrite, posts int) {
	rest := group
	if posts > 1 {
		g.c.metric.postsOne.Add(float64(posts))
		rest = rest[posts:]
	}
	if n := leadingAssigns(rest); n > 1 {
		g.c.metric.assignsOne.Add(float64(n))
		rest = rest[n:]
	}
	if n := leadingCloses(rest); n > 1 {
		g.c.metric.closesOne.Add(float64(n))
	}
}

// runBare runs a write that may go without a savepoint (see refusal).
func runBare(ctx context.Context, tx db.Execer, p *pendingWrite) error {
	err := p.fn(ctx, tx, p.w)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, p.refusal):
		p.w, p.err = nil, err
		return nil
	case isTransientSQL(err):
		return err // the whole group is retried
	}
	return fmt.Errorf("%w: %w", errBareFailed, err)
}
