package chat

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

// backlogMax bounds what a reconnecting page is replayed; a tab away
// longer than that is told to reload ("resync").
const backlogMax = 1000

// The page's WebSocket: GET /api/v1/chat/ws?since=SEQ, in the console's
// frames so the page reuses its client (profhub.live): first the caller's
// events after since from the SQL log, then live ones, each once and in
// order. Without since it starts with {"type":"hello","seq"}; after too
// long a gap, {"type":"resync","seq"} and the page reloads its lists. The
// page's {"type":"ping"} is answered {"type":"pong"}.
//
//	{"type":"event","event":{"seq","kind":"message|edited|deleted","chat_id","message"}}
//	{"type":"event","event":{"seq","kind":"read","chat_id","read_num"}}
//	{"type":"call","call":{"op",…}}   both ways: calls.go
type frame struct {
	Type  string         `json:"type"`
	Seq   int64          `json:"seq,omitempty"`
	Event map[string]any `json:"event,omitempty"`
	Call  *CallMsg       `json:"call,omitempty"`
}

func (h handlers) stream(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	since, _ := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	// Attached before the upgrade is answered, so an event committed just
	// after the handshake is above the hello seq and reaches this socket.
	c, upTo, err := h.s.relay.attach(ctx, p.User.ID)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	defer h.s.relay.detach(c)
	conn, err := websocket.Accept(w, r, nil) // same-origin only: the default Origin check
	if err != nil {
		return
	}
	conn.SetReadLimit(64 << 10) // a call's SDP offer runs to several kilobytes
	go func() {
		defer cancel()
		for {
			var in frame
			if err := wsjson.Read(ctx, conn, &in); err != nil {
				return
			}
			switch {
			case in.Type == "ping":
				_ = write(ctx, conn, frame{Type: "pong"})
			case in.Type == "call" && in.Call != nil:
				in.Call.From, in.Call.Name, in.Call.Peers = "", "", nil
				if err := h.s.Signal(ctx, p.Scope, *in.Call); err != nil {
					if _, refused := err.(errCall); !refused {
						httpapi.Logger(ctx).Warn("call frame failed", "op", in.Call.Op, "err", err)
					}
					_ = write(ctx, conn, frame{Type: "call", Call: &CallMsg{Op: OpError, CallID: in.Call.CallID, ChatID: in.Call.ChatID, Error: callError(err)}})
				}
			}
		}
	}()

	sent := max(since, upTo)
	if since > 0 {
		backlog, err := h.s.eventsAfter(ctx, since, p.User.ID, backlogMax+1)
		if err != nil {
			conn.Close(websocket.StatusInternalError, "cannot read the event log")
			return
		}
		if len(backlog) > backlogMax {
			backlog = nil
			_ = write(ctx, conn, frame{Type: "resync", Seq: upTo})
		}
		for _, ev := range backlog {
			if ev.Seq > upTo {
				break // live from here
			}
			if h.writeEvent(ctx, conn, p, ev) != nil {
				return
			}
		}
	} else if write(ctx, conn, frame{Type: "hello", Seq: upTo}) != nil {
		return
	}
	for {
		select {
		case <-ctx.Done():
			conn.Close(websocket.StatusNormalClosure, "")
			return
		case <-c.done:
			// Fell behind, or the node stops: the page resumes from its last seq.
			conn.Close(websocket.StatusTryAgainLater, "reconnect and resume")
			return
		case m := <-c.calls:
			if write(ctx, conn, frame{Type: "call", Call: &m}) != nil {
				return
			}
		case ev := <-c.events:
			if ev.Seq <= sent {
				continue
			}
			if h.writeEvent(ctx, conn, p, ev) != nil {
				return
			}
			sent = ev.Seq
		}
	}
}

// writeEvent renders ev for the caller: a message as they may read it.
func (h handlers) writeEvent(ctx context.Context, conn *websocket.Conn, p *auth.Principal, ev Event) error {
	data := map[string]any{"seq": ev.Seq, "kind": ev.Kind, "chat_id": ev.ChatID}
	if ev.Kind == EvRead {
		data["read_num"] = h.s.readNum(ctx, ev.ChatID, p.User.ID)
	} else {
		m, err := h.s.message(ctx, p.Scope, ev.MessageID)
		if err != nil {
			httpapi.Logger(ctx).Warn("chat event not rendered", "seq", ev.Seq, "err", err)
			return ctx.Err()
		}
		data["message"] = m
	}
	return write(ctx, conn, frame{Type: "event", Event: data})
}

func write(ctx context.Context, conn *websocket.Conn, f frame) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return conn.Write(wctx, websocket.MessageText, b)
}
