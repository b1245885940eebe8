package inbox

import (
	"context"
	"slices"
	"sync"

	"github.com/profhub/profhub/internal/security/access"
)

// Client is one connected console (an operator's or supervisor's browser
// tab). The relay pushes the events it may see into its buffer; a client
// too slow to keep up is disconnected and resumes from its last seq.
type Client struct {
	UserID     string
	scope      access.Scope
	supervisor bool

	mu    sync.RWMutex
	lines map[string]bool // lines whose events it receives

	out chan *Event
	// urgent carries the ephemeral events aimed at this user (offers and
	// their withdrawal): the socket sends them before whatever waits in
	// out, so an offer is not stuck behind a burst of list events.
	urgent   chan *Event
	done     chan struct{}
	killOnce sync.Once
}

// NewClient prepares a client for sc; Attach connects it to the relay.
func (es *Events) NewClient(ctx context.Context, sc access.Scope) (*Client, error) {
	c := &Client{UserID: sc.UserID, scope: sc, supervisor: sc.Can(access.SuperviseInbox),
		out: make(chan *Event, 1024), urgent: make(chan *Event, 256), done: make(chan struct{})}
	return c, es.RefreshClient(ctx, c)
}

// RefreshClient recomputes which lines the client follows: the lines it
// operates in, and for supervisors every line of their subtree.
func (es *Events) RefreshClient(ctx context.Context, c *Client) error {
	lines, err := es.lines.List(ctx, c.scope)
	if err != nil {
		return err
	}
	m := map[string]bool{}
	for _, l := range lines {
		if c.supervisor || slices.ContainsFunc(l.Operators, func(o LineOperator) bool { return o.UserID == c.UserID }) {
			m[l.ID] = true
		}
	}
	c.mu.Lock()
	c.lines = m
	c.mu.Unlock()
	return nil
}

// Attach starts delivery to c and returns the relay's current cursor: the
// caller replays the SQL log after since up to it, and the client drops
// live events at or below what it already sent. While the hub starts it
// waits until the relay knows where the log stands.
func (es *Events) Attach(ctx context.Context, c *Client) (int64, error) {
	return es.events.add(ctx, c)
}

// Detach stops delivery.
func (es *Events) Detach(c *Client) { es.events.remove(c); c.kill() }

// Events is the client's outgoing stream; Done closes when it must go.
func (c *Client) Events() <-chan *Event { return c.out }

// Urgent is the stream the socket serves first: ephemeral events aimed at
// this user.
func (c *Client) Urgent() <-chan *Event { return c.urgent }

// Done is closed when the client was disconnected by the relay.
func (c *Client) Done() <-chan struct{} { return c.done }

func (c *Client) visible(ev *Event) bool {
	if len(ev.To) > 0 {
		return slices.Contains(ev.To, c.UserID)
	}
	switch ev.Kind {
	case EvPresence:
		// supervisors watch everyone's; an operator sees their own, so
		// the console shows an absence that begins while it is open
		return c.supervisor || ev.Data["user_id"] == c.UserID
	case EvLinesChanged:
		return true
	}
	if ev.AssigneeID != "" && ev.AssigneeID == c.UserID {
		return true
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.lines[ev.LineID]
}

func (c *Client) push(ev *Event) {
	q := c.out
	if ev.Seq == 0 && len(ev.To) > 0 {
		// An offer and its withdrawal share this queue, so they keep
		// their order; a full one means a console too slow, as below.
		q = c.urgent
	}
	select {
	case q <- ev:
	default:
		c.kill() // too slow: it reconnects and fills the gap from SQL
	}
}

func (c *Client) kill() { c.killOnce.Do(func() { close(c.done) }) }

// Backlog returns the events after since that c may see, or resync=true
// when the gap is larger than the log keeps or than is sensible to replay.
func (es *Events) Backlog(ctx context.Context, c *Client, since, upTo int64) (evs []*Event, resync bool, err error) {
	const maxReplay = 5000
	var oldest int64
	if err := es.db.QueryRowCached(ctx, `SELECT COALESCE(MIN(seq), 0) FROM inbox_events`).Scan(&oldest); err != nil {
		return nil, false, err
	}
	if oldest > since+1 {
		return nil, true, nil
	}
	for cursor := since; cursor < upTo; {
		batch, err := es.eventsAfter(ctx, cursor, 1000)
		if err != nil {
			return nil, false, err
		}
		if len(batch) == 0 {
			break
		}
		for _, ev := range batch {
			if ev.Seq > upTo {
				return evs, false, nil
			}
			if c.visible(ev) {
				evs = append(evs, ev)
			}
			cursor = ev.Seq
		}
		if len(evs) > maxReplay {
			return nil, true, nil
		}
	}
	return evs, false, nil
}
