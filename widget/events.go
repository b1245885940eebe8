package widget

import (
	"context"
	"log/slog"
	"time"

	"github.com/profhub/profhub/inbox"
)

// EventFollower follows the inbox's event log for the sockets of this
// node: a new message in a conversation wakes its sockets here.
type EventFollower struct {
	inbox Inbox
	log   *slog.Logger
	local *registry
	// closed is told of every closing (a system "closed" or "auto_closed"
	// entry): the transcript on close.
	closed func(convID string, seq int64)
}

// follow reads the inbox's event log as a system client, a few
// times a second, and wakes the sockets of every conversation an event
// names; the sockets read the new messages from SQL themselves. Replies
// also wake their sockets at once through the sender; the log brings the
// rest (a conversation closed, a note that must not be shown but moves
// seq) and anything a lost wake-up missed. It reads the log through
// Backlog rather than attaching to the relay: attaching reads the relay's
// cursor, which the relay writes without its lock.
func (e *EventFollower) follow(ctx context.Context) {
	var c *inbox.Client
	for c == nil && ctx.Err() == nil {
		var err error
		if c, err = e.inbox.NewClient(ctx, system); err != nil {
			e.log.Warn("event follower: cannot start", "err", err)
			c = nil
			sleepCtx(ctx, time.Second)
		}
	}
	if c == nil {
		return
	}
	cursor := e.logHead(ctx, c)
	known, refreshed := e.followedLines(ctx), time.Now()
	for ctx.Err() == nil {
		// A line created after the client was made is not in its view:
		// refresh it when a socket of such a line connects, and now and then.
		if time.Since(refreshed) > 10*time.Second || !e.local.linesWithin(known) {
			_ = e.inbox.RefreshClient(ctx, c)
			known, refreshed = e.followedLines(ctx), time.Now()
		}
		evs, resync, err := e.inbox.Backlog(ctx, c, cursor, cursor+followWindow)
		switch {
		case err != nil:
			sleepCtx(ctx, time.Second)
			continue
		case resync:
			cursor = e.logHead(ctx, c)
			e.local.pokeAll()
			continue
		}
		for _, ev := range evs {
			// Only a new message changes what a visitor sees; delivery
			// statuses and assignments are most of the other events.
			if ev.ConversationID != "" && ev.Kind == inbox.EvMessage {
				e.local.pokeConv(ev.ConversationID, ev.MessageSeq())
				if code := ev.SystemCode(); e.closed != nil && (code == "closed" || code == "auto_closed") {
					e.closed(ev.ConversationID, ev.MessageSeq())
				}
			}
			cursor = ev.Seq
		}
		if len(evs) < followWindow/4 {
			sleepCtx(ctx, followEvery)
		}
	}
}

// followedLines is the set of lines the system client sees.
func (e *EventFollower) followedLines(ctx context.Context) map[string]bool {
	lines, err := e.inbox.Lines.List(ctx, system)
	m := map[string]bool{}
	if err == nil {
		for _, l := range lines {
			m[l.ID] = true
		}
	}
	return m
}

const (
	followWindow = 2000
	followEvery  = 250 * time.Millisecond
)

// logHead finds the newest event in the log: Backlog tells whether any
// event follows a position, so doubling and then halving finds the end in
// a few dozen indexed queries, once per start.
func (e *EventFollower) logHead(ctx context.Context, c *inbox.Client) int64 {
	after := func(s int64) (int64, bool) { // the last event in (s, s+window], if any
		evs, resync, err := e.inbox.Backlog(ctx, c, s, s+followWindow)
		if err != nil || resync || len(evs) == 0 {
			return 0, resync
		}
		return evs[len(evs)-1].Seq, true
	}
	lo, hi := int64(0), int64(followWindow)
	for ctx.Err() == nil {
		last, more := after(hi)
		if !more {
			break
		}
		lo, hi = max(lo, last, hi), 2*max(last, hi)
	}
	for hi-lo > 1 && ctx.Err() == nil {
		mid := lo + (hi-lo)/2
		if last, more := after(mid); more {
			lo = max(mid, last)
		} else {
			hi = mid
		}
	}
	if last, more := after(lo); more && last > lo {
		lo = last
	}
	return lo
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
