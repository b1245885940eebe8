package inbox

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// eventHandlers serve the console's WebSocket.
type eventHandlers struct {
	Events   *Events
	Presence *Presence // the console's pings keep its operator present
}

// The console's WebSocket: GET /api/v1/inbox/ws?since=SEQ. The server sends
// {"type":"event","event":{…}} frames, or {"type":"events","events":[…]}
// when several are ready at once; first the events after since (from
// the SQL log), then live ones, each once and in order. If the gap is too
// old it sends {"type":"resync"} and the console reloads its lists. The
// console sends {"type":"ping"} every 10 s, which keeps the operator
// present for routing; the server answers {"type":"pong"}.

type wsFrame struct {
	Type           string `json:"type"`
	Event          *Event `json:"event,omitempty"`
	Seq            int64  `json:"seq,omitempty"`
	ConversationID string `json:"conversation_id,omitempty"` // of a console's typing frame
}

func (h *eventHandlers) httpWebSocket(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	since, _ := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	log := httpapi.Logger(ctx)

	// The client is attached before the upgrade is answered: the relay's
	// cursor at attach is the hello seq, so an event committed between a
	// finished handshake and a later attach would lie below hello and never
	// reach this socket. A client that acts as soon as its dial returns
	// (the bench, a quick test, a fast operator) hit exactly that gap.
	c, err := h.Events.NewClient(ctx, p.Scope)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	upTo, err := h.Events.Attach(ctx, c)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	defer h.Events.Detach(c)
	conn, err := websocket.Accept(w, r, nil) // same-origin only: the default Origin check
	if err != nil {
		return
	}
	conn.SetReadLimit(16 << 10)
	_ = h.Presence.Heartbeat(ctx, p.User.ID)

	go func() {
		defer cancel()
		for {
			var in wsFrame
			if err := wsjson.Read(ctx, conn, &in); err != nil {
				return
			}
			if in.Type == "typing" {
				// The operator types a reply: the contact may see it.
				if err := h.Events.OperatorTyping(ctx, p.Scope, in.ConversationID); err != nil {
					log.Debug("typing not passed on", "err", err)
				}
				continue
			}
			if in.Type == "ping" {
				if err := h.Presence.Heartbeat(ctx, p.User.ID); err != nil {
					log.Debug("heartbeat failed", "err", err)
				}
				_ = h.writeFrame(ctx, conn, wsFrame{Type: "pong"})
			}
		}
	}()

	var sent int64
	if since > 0 {
		backlog, resync, err := h.Events.Backlog(ctx, c, since, upTo)
		if err != nil {
			conn.Close(websocket.StatusInternalError, "cannot read the event log")
			return
		}
		if resync {
			_ = h.writeFrame(ctx, conn, wsFrame{Type: "resync", Seq: upTo})
		}
		for _, ev := range backlog {
			if h.writeFrame(ctx, conn, wsFrame{Type: "event", Event: ev}) != nil {
				return
			}
		}
		sent = upTo
	} else {
		_ = h.writeFrame(ctx, conn, wsFrame{Type: "hello", Seq: upTo})
		sent = upTo
	}
	refresh := time.NewTicker(30 * time.Second)
	defer refresh.Stop()
	for {
		// What is aimed at this operator alone (an offer) goes before the
		// lists' events already waiting.
		select {
		case ev := <-c.Urgent():
			if err := h.writeBatch(ctx, conn, c, ev, c.Urgent(), &sent); err != nil {
				return
			}
			continue
		default:
		}
		var err error
		select {
		case <-ctx.Done():
			conn.Close(websocket.StatusNormalClosure, "")
			return
		case <-c.Done():
			// Too slow to keep up: the console reconnects with its last seq.
			// Logged here only, once per dropped socket.
			log.Info("console too slow: disconnected, it resumes from its last event", "seq", sent)
			conn.Close(websocket.StatusTryAgainLater, "reconnect and resume")
			return
		case <-refresh.C:
			_ = h.Events.RefreshClient(ctx, c)
		case ev := <-c.Urgent():
			err = h.writeBatch(ctx, conn, c, ev, c.Urgent(), &sent)
		case ev := <-c.Events():
			err = h.writeBatch(ctx, conn, c, ev, c.Events(), &sent)
		}
		if err != nil {
			return
		}
	}
}

// writeBatch sends ev and whatever else waits in from (up to 256) in one
// frame, skipping committed events the socket already sent.
func (h *eventHandlers) writeBatch(ctx context.Context, conn *websocket.Conn, c *Client, ev *Event, from <-chan *Event, sent *int64) error {
	// Under load several events wait: they go out in one frame.
	batch := []*Event{ev}
more:
	for len(batch) < 256 {
		select {
		case ev := <-from:
			batch = append(batch, ev)
		default:
			break more
		}
	}
	fresh := batch[:0]
	for _, ev := range batch {
		if ev.Seq != 0 && ev.Seq <= *sent {
			continue
		}
		if ev.Kind == EvLinesChanged {
			_ = h.Events.RefreshClient(ctx, c)
		}
		fresh = append(fresh, ev)
		*sent = max(*sent, ev.Seq)
	}
	err := h.writeEvents(ctx, conn, fresh)
	if err != nil && ctx.Err() == nil { // not the console leaving nor the hub stopping
		httpapi.Logger(ctx).Info("console socket dropped: events could not be written", "err", err, "seq", *sent)
	}
	return err
}

// writeEvents sends one event as an "event" frame, several as one
// {"type":"events","events":[…]} frame.
func (h *eventHandlers) writeEvents(ctx context.Context, conn *websocket.Conn, evs []*Event) error {
	switch len(evs) {
	case 0:
		return nil
	case 1:
		return h.writeFrame(ctx, conn, wsFrame{Type: "event", Event: evs[0]})
	}
	// The frame is sized before it is filled: grown by appending, a
	// console's batch of a few hundred events was copied again at each
	// doubling, which cost a fifth of the hub's CPU with 300 consoles
	// watching one busy line.
	raws := make([][]byte, len(evs))
	size := len(`{"type":"events","events":[]}`) + len(evs)
	for i, ev := range evs {
		raws[i] = ev.raw
		if raws[i] == nil {
			var err error
			if raws[i], err = json.Marshal(ev); err != nil {
				return err
			}
		}
		size += len(raws[i])
	}
	b := make([]byte, 0, size)
	b = append(b, `{"type":"events","events":[`...)
	for i, raw := range raws {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, raw...)
	}
	b = append(b, "]}"...)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return conn.Write(wctx, websocket.MessageText, b)
}

func (h *eventHandlers) writeFrame(ctx context.Context, conn *websocket.Conn, f wsFrame) error {
	var b []byte
	if f.Type == "event" && f.Event.raw != nil {
		b = make([]byte, 0, len(f.Event.raw)+26)
		b = append(b, `{"type":"event","event":`...)
		b = append(b, f.Event.raw...)
		b = append(b, '}')
	} else {
		var err error
		if b, err = json.Marshal(f); err != nil {
			return err
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return conn.Write(wctx, websocket.MessageText, b)
}
