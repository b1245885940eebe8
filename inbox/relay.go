package inbox

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// relay delivers events to the clients connected to this node. Committed
// events are read from the SQL event log in seq order (Redis pub/sub only
// wakes the reader up, and a one-second poll covers a lost wake-up), so a
// client sees each event once and in order whichever node wrote it.
// Ephemeral events (offers, presence) travel in the pub/sub message itself.
type relay struct {
	events  *Events
	mu      sync.Mutex
	clients map[*Client]struct{}
	cursor  int64
	wake    chan struct{}
	// ready closes once cursor holds where the log stood at start: a client
	// added before that would get cursor 0 as its hello and miss nothing
	// only by luck.
	ready chan struct{}
	// tail is the newest part of the log, handed over by this node's
	// writers after commit (event_tail.go).
	tail eventTail
}

func newRelay(es *Events) *relay {
	return &relay{events: es, clients: map[*Client]struct{}{}, wake: make(chan struct{}, 1), ready: make(chan struct{})}
}

func (r *relay) channel() string { return r.events.kv.Key("inbox", "events") }

// committed announces to the other nodes that events up to seq are in SQL.
func (r *relay) committed(ctx context.Context, seq int64) error {
	return r.events.kv.Publish(ctx, r.channel(), "w:"+strconv.FormatInt(seq, 10)).Err()
}

// ephemeral sends an event that is not kept: to this node's clients
// directly when Redis is unreachable, else through pub/sub to every node.
func (r *relay) ephemeral(ctx context.Context, ev *Event) {
	r.ephemeralAll(ctx, []*Event{ev})
}

// ephemeralAll sends several ephemeral events in one pipelined round trip
// (a routing pass may offer hundreds of conversations at once); each one
// Redis did not take goes to this node's clients directly.
func (r *relay) ephemeralAll(ctx context.Context, evs []*Event) {
	if len(evs) == 0 {
		return
	}
	pipe := r.events.kv.Pipeline()
	cmds := make([]*redis.IntCmd, len(evs))
	for i, ev := range evs {
		b, _ := json.Marshal(struct {
			*Event
			To []string `json:"to,omitempty"`
		}{ev, ev.To})
		cmds[i] = pipe.Publish(ctx, r.channel(), "e:"+string(b))
	}
	_, _ = pipe.Exec(ctx)
	for i, cmd := range cmds {
		if cmd.Err() != nil {
			r.deliver(evs[i])
		}
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
		if err := r.events.db.QueryRowContext(ctx, `SELECT seq FROM inbox_counter WHERE name = 'events'`).Scan(&start); err == nil {
			r.mu.Lock()
			r.cursor = start
			r.mu.Unlock()
			close(r.ready)
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
	subscribed := false
	for ctx.Err() == nil {
		sub := r.events.kv.Subscribe(ctx, r.channel())
		for msg := range sub.ChannelWithSubscriptions(redisChannelSize(4096)) {
			switch m := msg.(type) {
			case *redis.Subscription:
				// go-redis resubscribes by itself after a dropped connection;
				// whatever was published meanwhile is gone, and an offer
				// lost that way would otherwise wait for its expiry.
				if subscribed && m.Kind == "subscribe" {
					go r.resendOffers(ctx)
				}
				subscribed = true
			case *redis.Message:
				r.handle(m.Payload)
			}
		}
		sub.Close()
		sleep(ctx, time.Second)
	}
}

func (r *relay) handle(payload string) {
	switch {
	case strings.HasPrefix(payload, "w:"):
		if seq, err := strconv.ParseInt(payload[2:], 10, 64); err == nil {
			r.tail.announced(seq)
		}
		r.poke()
	case strings.HasPrefix(payload, "e:"):
		var ev struct {
			Event
			To []string `json:"to"`
		}
		if json.Unmarshal([]byte(payload[2:]), &ev) == nil {
			e := ev.Event
			e.To = ev.To
			r.deliver(&e)
		}
	}
}

// resendOffers repeats to this node's clients the offers they hold now.
// Consoles ignore an offer they already show, so a repeat is harmless.
func (r *relay) resendOffers(ctx context.Context) {
	r.mu.Lock()
	clients := make([]*Client, 0, len(r.clients))
	for c := range r.clients {
		clients = append(clients, c)
	}
	r.mu.Unlock()
	now := time.Now()
	for _, c := range clients {
		offers, err := r.events.presence.MyOffers(ctx, c.scope)
		if err != nil {
			r.events.log.Warn("event relay: re-reading offers failed", "user", c.UserID, "err", err)
			return
		}
		for _, o := range offers {
			left := max(0, (o.Deadline-now.UnixMilli())/1000)
			c.push(&Event{Kind: EvOffer, LineID: o.LineID, ConversationID: o.ConversationID, At: now, To: []string{c.UserID},
				Data: map[string]any{"deadline": o.Deadline, "timeout_s": left}})
		}
	}
}

// catchUp reads committed events past the cursor and delivers them.
func (r *relay) catchUp(ctx context.Context) {
	for {
		r.mu.Lock()
		cursor := r.cursor
		r.mu.Unlock()
		evs, err := r.events.eventsAfter(ctx, cursor, 1000)
		if err != nil {
			if !isCanceled(err) {
				r.events.log.Warn("event relay: read failed", "err", err)
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
func (es *Events) eventsAfter(ctx context.Context, seq int64, limit int) ([]*Event, error) {
	return es.events.logAfter(ctx, seq, limit)
}

// logAfter reads from the tail what it holds, else from SQL.
func (r *relay) logAfter(ctx context.Context, seq int64, limit int) ([]*Event, error) {
	if evs, ok := r.tail.after(seq, limit); ok {
		return evs, nil
	}
	evs, err := r.events.eventsAfterSQL(ctx, seq, limit)
	if err == nil {
		r.tail.read(seq, evs, limit)
	}
	return evs, err
}

func (es *Events) eventsAfterSQL(ctx context.Context, seq int64, limit int) ([]*Event, error) {
	rows, err := es.db.QueryCached(ctx, `SELECT seq, kind, line_id, conversation_id, assignee_id, at, payload
		FROM inbox_events WHERE seq > $1 ORDER BY seq LIMIT $2`, seq, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Event
	for rows.Next() {
		ev := &Event{}
		var payload []byte
		var at int64
		if err := rows.Scan(&ev.Seq, &ev.Kind, &ev.LineID, &ev.ConversationID, &ev.AssigneeID, &at, &payload); err != nil {
			return nil, err
		}
		ev.At, ev.raw = time.UnixMilli(at), payload
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

func (r *relay) add(ctx context.Context, c *Client) (int64, error) {
	select {
	case <-r.ready:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clients[c] = struct{}{}
	return r.cursor, nil
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
func (es *Events) ClientCount() int {
	es.events.mu.Lock()
	defer es.events.mu.Unlock()
	return len(es.events.clients)
}
