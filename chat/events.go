package chat

import (
	"context"
	"sync"
	"time"
)

// Event is a change of a chat as the streams carry it.
type Event struct {
	Seq       int64
	ChatID    string
	Kind      string
	MessageID string
	UserID    string // who made it; for EvRead the only one told
}

// relay delivers committed events to this node's streams, the inbox's
// way: the SQL log is read past a cursor in seq order, Redis pub/sub only
// wakes the reader (a one-second poll covers a lost wake-up), so every
// stream on every node sees each event once and in order.
type relay struct {
	s      *Service
	mu     sync.Mutex
	subs   map[*sub]struct{}
	cursor int64
	ready  chan struct{} // closed once the cursor is read
	wake   chan struct{}
}

// sub is one open stream: a person's tab.
type sub struct {
	userID string
	events chan Event
	calls  chan CallMsg
	done   chan struct{} // closed when the stream fell behind: it reconnects and resumes
	once   sync.Once
}

func (c *sub) kill() { c.once.Do(func() { close(c.done) }) }

func newRelay(s *Service) *relay {
	return &relay{s: s, subs: map[*sub]struct{}{}, ready: make(chan struct{}), wake: make(chan struct{}, 1)}
}

func (r *relay) channel() string { return r.s.deps.KV.Key("chat", "events") }

// committed tells every node (this one too) that new events are in SQL.
func (r *relay) committed(ctx context.Context) {
	r.poke()
	if r.s.deps.KV == nil {
		return
	}
	if err := r.s.deps.KV.Publish(context.WithoutCancel(ctx), r.channel(), "w").Err(); err != nil {
		r.s.log.Debug("chat wake-up not published; the other nodes poll within a second", "err", err)
	}
}

func (r *relay) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *relay) run(ctx context.Context) {
	for {
		var start int64
		if err := r.s.db.QueryRowContext(ctx, `SELECT seq FROM chat_counter WHERE name = 'events'`).Scan(&start); err == nil {
			r.mu.Lock()
			r.cursor = start
			r.mu.Unlock()
			close(r.ready)
			break
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
	if r.s.deps.KV != nil {
		go r.listen(ctx)
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			r.closeAll()
			return
		case <-r.wake:
		case <-tick.C:
		}
		r.catchUp(ctx)
	}
}

func (r *relay) listen(ctx context.Context) {
	for ctx.Err() == nil {
		sub := r.s.deps.KV.Subscribe(ctx, r.channel())
		for range sub.Channel() {
			r.poke()
		}
		sub.Close()
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// catchUp reads committed events past the cursor and hands each to the
// streams of the chat's members.
func (r *relay) catchUp(ctx context.Context) {
	for {
		r.mu.Lock()
		cursor := r.cursor
		r.mu.Unlock()
		evs, err := r.s.eventsAfter(ctx, cursor, "", 500)
		if err != nil {
			if ctx.Err() == nil {
				r.s.log.Warn("chat relay: read failed", "err", err)
			}
			return
		}
		for _, ev := range evs {
			var members map[string]bool
			if ev.Kind != EvRead && r.count() > 0 {
				if members, err = r.s.memberIDs(ctx, ev.ChatID); err != nil {
					r.s.log.Warn("chat relay: members not read", "err", err)
					return
				}
			}
			r.deliver(ev, members)
		}
		if len(evs) < 500 {
			return
		}
	}
}

// deliver hands ev to its streams and moves the cursor in one step under
// the lock: a stream attaching meanwhile gets ev live or from its backlog,
// never neither.
func (r *relay) deliver(ev Event, members map[string]bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.subs {
		if (ev.Kind == EvRead && c.userID == ev.UserID) || (ev.Kind != EvRead && members[c.userID]) {
			select {
			case c.events <- ev:
			default:
				c.kill() // too slow: it resumes from its last event
			}
		}
	}
	r.cursor = ev.Seq
}

// deliverCall hands a call frame to every stream of userID on this node;
// a stream too slow for it misses it (a call is live or not at all).
func (r *relay) deliverCall(userID string, m CallMsg) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.subs {
		if c.userID == userID {
			select {
			case c.calls <- m:
			default:
			}
		}
	}
}

func (r *relay) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.subs)
}

// attach opens a stream for userID and returns the last event it will
// not get live (what is at or before it comes from the backlog).
func (r *relay) attach(ctx context.Context, userID string) (*sub, int64, error) {
	select {
	case <-r.ready:
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
	select {
	case <-r.s.callsReady:
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
	c := &sub{userID: userID, events: make(chan Event, 256), calls: make(chan CallMsg, 256), done: make(chan struct{})}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.subs[c] = struct{}{}
	return c, r.cursor, nil
}

func (r *relay) detach(c *sub) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.subs, c)
}

func (r *relay) closeAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.subs {
		c.kill()
	}
}

// eventsAfter reads the log past seq: every chat's, or (userID given)
// those a person should get, up to limit.
func (s *Service) eventsAfter(ctx context.Context, seq int64, userID string, limit int) ([]Event, error) {
	q := `SELECT e.seq, e.chat_id, e.kind, e.message_id, e.user_id FROM chat_events e WHERE e.seq > $1 AND $2 = '' ORDER BY e.seq LIMIT $3`
	if userID != "" {
		q = `SELECT e.seq, e.chat_id, e.kind, e.message_id, e.user_id FROM chat_events e WHERE e.seq > $1
			AND ((e.kind = 'read' AND e.user_id = $2) OR (e.kind <> 'read' AND e.chat_id IN (SELECT chat_id FROM chat_members WHERE user_id = $2)))
			ORDER BY e.seq LIMIT $3`
	}
	rows, err := s.db.QueryContext(ctx, q, seq, userID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var ev Event
		if err := rows.Scan(&ev.Seq, &ev.ChatID, &ev.Kind, &ev.MessageID, &ev.UserID); err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}
