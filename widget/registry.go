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

// offerConv gives the sockets of conv a message this node stored in it,
// the conversation having reached seq upTo (socket_fresh.go).
func (r *registry) offerConv(m inbox.Message, upTo int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.byConv[m.ConversationID] {
		c.offer(m, upTo)
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

func (r *registry) signalConv(conv string, f outFrame) {
	r.mu.Lock()
	cs := make([]*visitorConn, 0, len(r.byConv[conv]))
	for c := range r.byConv[conv] {
		cs = append(cs, c)
	}
	r.mu.Unlock()
	for _, c := range cs {
		go func() {
			ctx, cancel := context.WithTimeout(c.ctx, 3*time.Second)
			defer cancel()
			_ = c.write(ctx, f) // a signal lost with a slow socket is not worth closing it
		}()
	}
}

// convOf is the conversation a socket shows now.
func (r *registry) convOf(c *visitorConn) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return c.conv
}
