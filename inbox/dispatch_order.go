package inbox

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/profhub/profhub/internal/storage/db"
)

// Replies leave in the order they were written, per conversation: a reply
// is claimed only when no earlier reply of its conversation is still
// pending, that is, after the one before it was delivered or failed for
// good. The rule lives in the claim's SQL, so it holds across workers,
// retries, 429 pauses, restarts and nodes, and needs nothing from Redis
// (which may be flushed). Other conversations are not held up: each
// conversation's head is claimable on its own.
//
// Keeping the order costs no speed: the worker that finishes a reply
// takes the next one of the same conversation at once, and a reply that
// must wait (the provider's per-chat pace, a retry-after) is offered again
// by a timer exactly when it is due, instead of at the next rescan.

const (
	dispatchWorkers = 8
	// maxTimerWait: waits longer than this are left to the SQL rescan.
	maxTimerWait = 5 * time.Minute
	// timerSlack lets a timer fire just after the stored due time, which
	// is compared with the clock again when the reply is claimed.
	timerSlack = 3 * time.Millisecond
)

// dispatcher is one node's share of outbound dispatch.
type dispatcher struct {
	dispatch *Dispatch
	ctx      context.Context
	limiter  *redis_rate.Limiter
	work     chan string

	mu     sync.Mutex
	timers map[string]*time.Timer // reply id → its wake-up
}

// runDispatcher reads the work stream as a member of the consumer group,
// claims entries left by dead workers, and rescans SQL for due retries and
// for anything the stream lost.
func (d *Dispatch) runDispatcher(ctx context.Context) {
	dp := &dispatcher{dispatch: d, ctx: ctx, limiter: redis_rate.NewLimiter(d.kv), work: make(chan string, 64), timers: map[string]*time.Timer{}}
	var wg sync.WaitGroup
	for range dispatchWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dp.worker()
		}()
	}
	defer func() {
		wg.Wait()
		dp.stopTimers()
	}()
	rescan := time.NewTicker(time.Second)
	defer rescan.Stop()
	lastClaim := time.Now()
	for ctx.Err() == nil {
		err := d.kv.XGroupCreateMkStream(ctx, d.dispatchStream(), dispatchGroup, "$").Err()
		if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
			sleep(ctx, time.Second)
			dp.rescan()
			continue
		}
		// A deadline of its own: a blocked read must not outlive a shutdown
		// or a Redis that went away mid-read.
		rctx, rcancel := context.WithTimeout(ctx, 2*time.Second)
		streams, err := d.kv.XReadGroup(rctx, &redis.XReadGroupArgs{Group: dispatchGroup, Consumer: d.node,
			Streams: []string{d.dispatchStream(), ">"}, Count: 64, Block: 500 * time.Millisecond}).Result()
		rcancel()
		if err != nil && !isNil(err) {
			if ctx.Err() != nil {
				return
			}
			sleep(ctx, 500*time.Millisecond)
		}
		for _, s := range streams {
			for _, msg := range s.Messages {
				if id, ok := msg.Values["id"].(string); ok && !dp.offer(id) {
					return
				}
				d.kv.XAck(ctx, d.dispatchStream(), dispatchGroup, msg.ID)
			}
		}
		if time.Since(lastClaim) > 15*time.Second {
			lastClaim = time.Now()
			dp.claimAbandoned()
		}
		select {
		case <-rescan.C:
			dp.rescan()
		default:
		}
	}
}

// offer hands a reply to a worker; false means the dispatcher is stopping.
func (d *dispatcher) offer(id string) bool {
	select {
	case d.work <- id:
		return true
	case <-d.ctx.Done():
		return false
	}
}

func (d *dispatcher) worker() {
	for {
		select {
		case <-d.ctx.Done():
			return
		case id := <-d.work:
			// Follow the conversation: after a reply is done, its
			// successor goes from this worker without a round trip
			// through the stream.
			for id != "" && d.ctx.Err() == nil {
				id = d.dispatchOne(id)
			}
		}
	}
}

// later offers id again when it is due (due in ms, as stored).
func (d *dispatcher) later(id string, due int64) {
	wait := time.Duration(due-db.Now())*time.Millisecond + timerSlack
	if wait > maxTimerWait || d.ctx.Err() != nil {
		return // the rescan finds it
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if t, ok := d.timers[id]; ok {
		t.Stop()
	}
	d.timers[id] = time.AfterFunc(max(wait, 0), func() {
		d.mu.Lock()
		delete(d.timers, id)
		d.mu.Unlock()
		d.offer(id)
	})
}

func (d *dispatcher) stopTimers() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, t := range d.timers {
		t.Stop()
		delete(d.timers, id)
	}
}

// claimAbandoned takes over stream entries a dead worker read but never
// acknowledged.
func (d *dispatcher) claimAbandoned() {
	e := d.dispatch
	msgs, _, err := e.kv.XAutoClaim(d.ctx, &redis.XAutoClaimArgs{Stream: e.dispatchStream(), Group: dispatchGroup,
		Consumer: e.node, MinIdle: 30 * time.Second, Start: "0", Count: 100}).Result()
	if err != nil {
		return
	}
	for _, msg := range msgs {
		if id, ok := msg.Values["id"].(string); ok && !d.offer(id) {
			return
		}
		e.kv.XAck(d.ctx, e.dispatchStream(), dispatchGroup, msg.ID)
	}
}

// rescan finds replies that are due, not leased and first in their
// conversation: retries whose wait has passed, and replies whose stream
// entry or timer was lost (Redis flushed, a node restarted). Replies
// behind another in their conversation are left to the one before them.
func (d *dispatcher) rescan() {
	now := db.Now()
	rows, err := d.dispatch.db.QueryContext(d.ctx, `SELECT m.id FROM inbox_messages m WHERE m.status = 'pending' AND m.next_attempt_at <= $1
		AND m.lease_until < $1 AND m.created_at < $2 AND NOT EXISTS (SELECT 1 FROM inbox_messages p
		WHERE p.conversation_id = m.conversation_id AND p.status = 'pending' AND p.seq < m.seq)
		ORDER BY m.next_attempt_at LIMIT 200`, now, now-2000)
	if err != nil {
		return
	}
	var ids []string
	for rows.Next() {
		var id string
		if rows.Scan(&id) == nil {
			ids = append(ids, id)
		}
	}
	rows.Close()
	for _, id := range ids {
		if !d.offer(id) {
			return
		}
	}
}

// claim leases a reply for sending if it is pending, due, not leased and
// first among its conversation's pending replies. It returns how many of
// its tries were refused for rate (they do not count against the limit).
func (d *Dispatch) claim(ctx context.Context, id string) (rateLimited int, ok bool) {
	now := db.Now()
	err := d.db.Prepared().QueryRowContext(ctx, `UPDATE inbox_messages SET lease_until = $2 WHERE id = $1 AND status = 'pending'
		AND lease_until < $3 AND next_attempt_at <= $3 AND NOT EXISTS (SELECT 1 FROM inbox_messages p
		WHERE p.conversation_id = inbox_messages.conversation_id AND p.status = 'pending' AND p.seq < inbox_messages.seq)
		RETURNING rate_limited`, id, now+leaseTime.Milliseconds(), now).Scan(&rateLimited)
	if err != nil {
		if !errors.Is(err, sql.ErrNoRows) && ctx.Err() == nil {
			d.log.Debug("claiming a reply failed", "message", id, "err", err)
		}
		return 0, false
	}
	return rateLimited, true
}

// Paced is a Sender whose provider limits how often one chat may get a
// message (Telegram: one a second). The dispatcher then offers a
// conversation's next reply that long after the previous one started,
// rather than at once to be turned back (which would spend a turn of the
// channel's rate for nothing).
type Paced interface {
	ChatGap(ch Channel, externalChatID string) time.Duration
}

// successor returns the conversation's next pending reply if it is due
// now (and not before notBefore, ms); one due later is offered again by
// a timer, and its due time is stored so that the rescan leaves it too.
func (d *dispatcher) successor(conversationID string, notBefore int64) string {
	var id string
	var due int64
	err := d.dispatch.db.Prepared().QueryRowContext(d.ctx, `SELECT id, next_attempt_at FROM inbox_messages
		WHERE conversation_id = $1 AND status = 'pending' ORDER BY seq LIMIT 1`, conversationID).Scan(&id, &due)
	if err != nil {
		return ""
	}
	if notBefore > due {
		due = notBefore
		_, _ = d.dispatch.db.Prepared().ExecContext(d.ctx, `UPDATE inbox_messages SET next_attempt_at = $2
			WHERE id = $1 AND status = 'pending' AND next_attempt_at < $2`, id, due)
	}
	if due > db.Now() {
		d.later(id, due)
		return ""
	}
	return id
}
