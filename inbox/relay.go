package inbox

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"
)

// relay delivers events to the clients connected to this node. Committed
// events are read from the SQL event log in seq order (Redis pub/sub only
// wakes the reader up, and a one-second poll covers a lost wake-up), so a
// client sees each event once and in order whichever node wrote it.
// Ephemeral events (offers, presence) travel in the pub/sub message itself.
type relay struct {
	e       *Engine
	mu      sync.Mutex
	clients map[*Client]struct{}
	cursor  int64
	wake    chan struct{}
}

func newRelay(e *Engine) *relay {
	return &relay{e: e, clients: map[*Client]struct{}{}, wake: make(chan struct{}, 1)}
}

func (r *relay) channel() string { return r.e.kv.Key("inbox", "events") }

// committed announces to the other nodes that events up to seq are in SQL.
func (r *relay) committed(ctx context.Context, seq int64) error {
	return r.e.kv.Publish(ctx, r.channel(), "w:"+strconv.FormatInt(seq, 10)).Err()
}

// ephemeral sends an event that is not kept: to this node's clients
// directly when Redis is unreachable, else through pub/sub to every node.
func (r *relay) ephemeral(ctx context.Context, ev *Event) {
	b, _ := json.Marshal(struct {
		*Event
		To []string `json:"to,omitempty"`
	}{ev, ev.To})
	if err := r.e.kv.Publish(ctx, r.channel(), "e:"+string(b)).Err(); err != nil {
		r.deliver(ev)
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
		if err := r.e.db.QueryRowContext(ctx, `SELECT seq FROM inbox_counter WHERE name = 'events'`).Scan(&start); err == nil {
			r.mu.Lock()
			r.cursor = start
			r.mu.Unlock()
			break
		}
		if !sleep(ctx, time.Second) {
			return
		}
	}
	go r.listen(ctx)
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
		sub := r.e.kv.Subscribe(ctx, r.channel())
		ch := sub.Channel(redisChannelSize(4096))
		for msg := range ch {
			switch {
			case strings.HasPrefix(msg.Payload, "w:"):
				r.poke()
			case strings.HasPrefix(msg.Payload, "e:"):
				var ev struct {
					Event
					To []string `json:"to"`
				}
				if json.Unmarshal([]byte(msg.Payload[2:]), &ev) == nil {
					e := ev.Event
					e.To = ev.To
					r.deliver(&e)
				}
			}
		}
		sub.Close()
		sleep(ctx, time.Second)
	}
}

// catchUp reads committed events past the cursor and delivers them.
func (r *relay) catchUp(ctx context.Context) {
	for {
		r.mu.Lock()
		cursor := r.cursor
		r.mu.Unlock()
		evs, err := r.e.eventsAfter(ctx, cursor, 1000)
		if err != nil {
			if !isCanceled(err) {
				r.e.log.Warn("event relay: read failed", "err", err)
			}
			return
		}
		for _, ev := range evs {
			r.deliverCommitted(ev)
		}
		if len(evs) < 1000 {
			return
		}
	}
}

// eventsAfter reads committed events past seq. What visibility needs comes
// from columns; the payload stays raw JSON for the sockets.
func (e *Engine) eventsAfter(ctx context.Context, seq int64, limit int) ([]*Event, error) {
	rows, err := e.db.QueryCached(ctx, `SELECT seq, kind, line_id, conversation_id, assignee_id, payload
		FROM inbox_events WHERE seq > $1 ORDER BY seq LIMIT $2`, seq, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Event
	for rows.Next() {
		ev := &Event{}
		var payload []byte
		if err := rows.Scan(&ev.Seq, &ev.Kind, &ev.LineID, &ev.ConversationID, &ev.AssigneeID, &payload); err != nil {
			return nil, err
		}
		ev.raw = payload
		out = append(out, ev)
	}
	return out, rows.Err()
}

// deliverCommitted hands a logged event to the clients and moves the
// cursor in one step under the lock: a client attaching in between gets
// the event either live or from its backlog, never neither.
func (r *relay) deliverCommitted(ev *Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.clients {
		if c.visible(ev) {
			c.push(ev)
		}
	}
	r.cursor = ev.Seq
}

func (r *relay) deliver(ev *Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.clients {
		if c.visible(ev) {
			c.push(ev)
		}
	}
}

func (r *relay) add(c *Client) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clients[c] = struct{}{}
	return r.cursor
}

func (r *relay) remove(c *Client) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.clients, c)
}

func (r *relay) closeAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.clients {
		c.kill()
	}
}

// ClientCount is the number of connected clients on this node.
func (e *Engine) ClientCount() int {
	e.events.mu.Lock()
	defer e.events.mu.Unlock()
	return len(e.events.clients)
}
