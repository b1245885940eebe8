package widget

import (
	"context"
	"sync/atomic"
	"time"
)

// outbox lets the wake-ups for other nodes leave in pipelines: a reply's
// API call and a visitor's acknowledgement each waited for a PUBLISH round
// trip to Redis, a thousand a second in the benchmark, although a wake-up
// only hurries what the event log's follower would bring anyway.
type outbox struct {
	ch      chan string
	running atomic.Bool // send is draining ch; otherwise publish sends at once
}

const (
	outboxSize  = 4096
	outboxBatch = 256
)

func newOutbox() *outbox { return &outbox{ch: make(chan string, outboxSize)} }

// send publishes what publish queued, as many as are waiting in one
// pipeline, until ctx ends.
func (wk *Wakeups) send(ctx context.Context) {
	wk.out.running.Store(true)
	defer wk.out.running.Store(false)
	batch := make([]string, 0, outboxBatch)
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-wk.out.ch:
			batch = append(batch[:0], m)
		}
	more:
		for len(batch) < outboxBatch {
			select {
			case m := <-wk.out.ch:
				batch = append(batch, m)
			default:
				break more
			}
		}
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		pipe := wk.kv.Pipeline()
		for _, m := range batch {
			pipe.Publish(pctx, wk.channelKey(), m)
		}
		if _, err := pipe.Exec(pctx); err != nil {
			wk.log.Warn("wake-ups not published", "count", len(batch), "err", err)
		}
		cancel()
	}
}
