package widget

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/profhub/profhub/inbox"
)

// registry is this node's visitor sockets, by conversation (woken by the
// inbox's events) and by visitor (woken when they start a new
// conversation, possibly in a tab on another node).
type registry struct {
	mu        sync.Mutex
	byConv    map[string]map[*visitorConn]struct{}
	byVisitor map[string]map[*visitorConn]struct{}
	lines     map[string]int // sockets by line
}

func newRegistry() *registry {
	return &registry{byConv: map[string]map[*visitorConn]struct{}{}, byVisitor: map[string]map[*visitorConn]struct{}{}, lines: map[string]int{}}
}

func addTo(m map[string]map[*visitorConn]struct{}, k string, c *visitorConn) {
	if k == "" {
		return
	}
	if m[k] == nil {
		m[k] = map[*visitorConn]struct{}{}
	}
	m[k][c] = struct{}{}
}

func removeFrom(m map[string]map[*visitorConn]struct{}, k string, c *visitorConn) {
	delete(m[k], c)
	if len(m[k]) == 0 {
		delete(m, k)
	}
}

func (r *registry) add(c *visitorConn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	addTo(r.byVisitor, c.v.ID, c)
	addTo(r.byConv, c.conv, c)
	r.lines[c.ch.LineID]++
}

func (r *registry) remove(c *visitorConn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	removeFrom(r.byVisitor, c.v.ID, c)
	removeFrom(r.byConv, c.conv, c)
	if r.lines[c.ch.LineID]--; r.lines[c.ch.LineID] <= 0 {
		delete(r.lines, c.ch.LineID)
	}
}

// linesWithin reports whether every line with a socket here is in known.
func (r *registry) linesWithin(known map[string]bool) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for l := range r.lines {
		if !known[l] {
			return false
		}
	}
	return true
}

// follow moves c to the conversation it now shows.
func (r *registry) follow(c *visitorConn, conv string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	removeFrom(r.byConv, c.conv, c)
	c.conv = conv
	addTo(r.byConv, conv, c)
}

// pokeConv wakes the sockets of conv that have not sent its message seq
// (0: every socket of conv).
func (r *registry) pokeConv(conv string, seq int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.byConv[conv] {
		c.pokeAt(seq)
	}
}

func (r *registry) pokeVisitor(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.byVisitor[id] {
		c.pokeVisitor()
	}
}

func (r *registry) pokeAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, cs := range r.byVisitor {
		for c := range cs {
			c.pokeVisitor()
		}
	}
}

func (r *registry) closeVisitor(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.byVisitor[id] {
		c.end(closeRevoked, "this chat session was ended")
	}
}

func (r *registry) closeAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, cs := range r.byVisitor {
		for c := range cs {
			c.end(closeGoingAway, "the server is restarting; reconnect")
		}
	}
}

// each calls f for every socket, under the registry's lock.
func (r *registry) each(f func(*visitorConn)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, cs := range r.byVisitor {
		for c := range cs {
			f(c)
		}
	}
}

// followEvents reads the inbox's event log as a system client, a few
// times a second, and wakes the sockets of every conversation an event
// names; the sockets read the new messages from SQL themselves. Replies
// also wake their sockets at once through the sender; the log brings the
// rest (a conversation closed, a note that must not be shown but moves
// seq) and anything a lost wake-up missed. It reads the log through
// Backlog rather than attaching to the relay: attaching reads the relay's
// cursor, which the relay writes without its lock.
func (w *Widget) followEvents(ctx context.Context) {
	var c *inbox.Client
	for c == nil && ctx.Err() == nil {
		var err error
		if c, err = w.inbox.NewClient(ctx, system); err != nil {
			w.log.Warn("event follower: cannot start", "err", err)
			c = nil
			sleepCtx(ctx, time.Second)
		}
	}
	if c == nil {
		return
	}
	cursor := w.logHead(ctx, c)
	known, refreshed := w.followedLines(ctx), time.Now()
	for ctx.Err() == nil {
		// A line created after the client was made is not in its view:
		// refresh it when a socket of such a line connects, and now and then.
		if time.Since(refreshed) > 10*time.Second || !w.local.linesWithin(known) {
			_ = w.inbox.RefreshClient(ctx, c)
			known, refreshed = w.followedLines(ctx), time.Now()
		}
		evs, resync, err := w.inbox.Backlog(ctx, c, cursor, cursor+followWindow)
		switch {
		case err != nil:
			sleepCtx(ctx, time.Second)
			continue
		case resync:
			cursor = w.logHead(ctx, c)
			w.local.pokeAll()
			continue
		}
		for _, ev := range evs {
			// Only a new message changes what a visitor sees; delivery
			// statuses and assignments are most of the other events.
			if ev.ConversationID != "" && ev.Kind == inbox.EvMessage {
				w.local.pokeConv(ev.ConversationID, ev.MessageSeq())
			}
			cursor = ev.Seq
		}
		if len(evs) < followWindow/4 {
			sleepCtx(ctx, followEvery)
		}
	}
}

// followedLines is the set of lines the system client sees.
func (w *Widget) followedLines(ctx context.Context) map[string]bool {
	lines, err := w.inbox.Lines.List(ctx, system)
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
func (w *Widget) logHead(ctx context.Context, c *inbox.Client) int64 {
	after := func(s int64) (int64, bool) { // the last event in (s, s+window], if any
		evs, resync, err := w.inbox.Backlog(ctx, c, s, s+followWindow)
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

func (w *Widget) wakeChannel() string { return w.kv.Key("widget", "wake") }

// wake tells every node that a visitor's conversation changed (a new one
// started, or the session was revoked).
func (w *Widget) wake(ctx context.Context, visitorID string) {
	w.local.pokeVisitor(visitorID)
	w.publish(ctx, "v:"+visitorID)
}

// wakeConversation tells every node that conversation convID has its
// message seq (0: has new messages); sockets that sent it already stay asleep.
func (w *Widget) wakeConversation(ctx context.Context, convID string, seq int64) {
	w.local.pokeConv(convID, seq)
	w.publish(ctx, "c:"+convID+" "+strconv.FormatInt(seq, 10))
}

// publish tells the other nodes; the payload names this node, which has
// woken its own sockets already and skips its own message.
func (w *Widget) publish(ctx context.Context, payload string) {
	if err := w.kv.Publish(ctx, w.wakeChannel(), w.node+" "+payload).Err(); err != nil {
		w.log.Warn("wake-up not published", "err", err)
	}
}

func (w *Widget) followWakeups(ctx context.Context) {
	for ctx.Err() == nil {
		sub := w.kv.Subscribe(ctx, w.wakeChannel())
		stop := context.AfterFunc(ctx, func() { sub.Close() })
		for msg := range sub.Channel() {
			from, p, ok := strings.Cut(msg.Payload, " ")
			if !ok {
				p = from
			} else if from == w.node {
				continue
			}
			switch {
			case strings.HasPrefix(p, "v:"):
				w.local.pokeVisitor(p[2:])
			case strings.HasPrefix(p, "c:"):
				conv, seq, _ := strings.Cut(p[2:], " ")
				n, _ := strconv.ParseInt(seq, 10, 64)
				w.local.pokeConv(conv, n)
			case strings.HasPrefix(p, "s:"):
				w.signalFromPeer(p[2:])
			}
		}
		stop()
		sub.Close()
		sleepCtx(ctx, time.Second)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
