package widget

import (
	"context"
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
}

func newRegistry() *registry {
	return &registry{byConv: map[string]map[*visitorConn]struct{}{}, byVisitor: map[string]map[*visitorConn]struct{}{}}
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
}

func (r *registry) remove(c *visitorConn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	removeFrom(r.byVisitor, c.v.ID, c)
	removeFrom(r.byConv, c.conv, c)
}

// follow moves c to the conversation it now shows.
func (r *registry) follow(c *visitorConn, conv string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	removeFrom(r.byConv, c.conv, c)
	c.conv = conv
	addTo(r.byConv, conv, c)
}

func (r *registry) pokeConv(conv string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.byConv[conv] {
		c.poke()
	}
}

func (r *registry) pokeVisitor(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.byVisitor[id] {
		c.poke()
	}
}

func (r *registry) pokeAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, cs := range r.byVisitor {
		for c := range cs {
			c.poke()
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

func (r *registry) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, cs := range r.byVisitor {
		n += len(cs)
	}
	return n
}

// followEvents listens to the inbox's event relay as a system client and
// wakes the sockets of every conversation an event names; the sockets read
// the new messages from SQL themselves. When the relay drops the client
// (too slow), every socket is woken after re-attaching, so nothing waits.
func (w *Widget) followEvents(ctx context.Context) {
	for ctx.Err() == nil {
		c, err := w.inbox.NewClient(ctx, system)
		if err != nil {
			w.log.Warn("event follower: cannot start", "err", err)
			sleepCtx(ctx, time.Second)
			continue
		}
		w.inbox.Attach(c)
		w.local.pokeAll()
		w.relay(ctx, c)
		w.inbox.Detach(c)
	}
}

func (w *Widget) relay(ctx context.Context, c *inbox.Client) {
	// New lines (and their widget channels) join the client's view here.
	refresh := time.NewTicker(5 * time.Second)
	defer refresh.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.Done():
			return
		case <-refresh.C:
			_ = w.inbox.RefreshClient(ctx, c)
		case ev := <-c.Events():
			if ev.Kind == inbox.EvLinesChanged {
				_ = w.inbox.RefreshClient(ctx, c)
			}
			if ev.ConversationID != "" {
				w.local.pokeConv(ev.ConversationID)
			}
		}
	}
}

func (w *Widget) wakeChannel() string { return w.kv.Key("widget", "wake") }

// wake tells every node that a visitor's conversation changed (a new one
// started, or the session was revoked).
func (w *Widget) wake(ctx context.Context, visitorID string) {
	w.local.pokeVisitor(visitorID)
	if err := w.kv.Publish(ctx, w.wakeChannel(), visitorID).Err(); err != nil {
		w.log.Warn("wake-up not published", "err", err)
	}
}

func (w *Widget) followWakeups(ctx context.Context) {
	for ctx.Err() == nil {
		sub := w.kv.Subscribe(ctx, w.wakeChannel())
		stop := context.AfterFunc(ctx, func() { sub.Close() })
		for msg := range sub.Channel() {
			w.local.pokeVisitor(msg.Payload)
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
