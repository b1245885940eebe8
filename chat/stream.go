package chat

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// backlogMax bounds what a reconnecting stream is replayed; a tab away
// longer than that is told to reload ("resync").
const backlogMax = 1000

// The page's stream: GET /api/v1/chat/stream?since=SEQ, server-sent
// events each with its id (the event's seq), so the browser's own
// reconnect sends Last-Event-ID and the page's sends since. First the
// caller's events after since from the SQL log, then live ones, each once
// and in order. Without since it starts with "hello" (the current seq);
// after too long a gap, "resync" (the page reloads its lists).
//
//	event: message|edited|deleted  data: {"seq","kind","chat_id","message"}
//	event: read                    data: {"seq","kind","chat_id","read_num"}
func (h handlers) stream(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ctx := r.Context()
	since, _ := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
	if last, err := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64); err == nil && last > since {
		since = last
	}
	c, upTo, err := h.s.relay.attach(ctx, p.User.ID)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	defer h.s.relay.detach(c)
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 2000\n\n"); err != nil {
		return
	}
	sent := max(since, upTo)
	if since > 0 {
		backlog, err := h.s.eventsAfter(ctx, since, p.User.ID, backlogMax+1)
		if err != nil {
			return
		}
		if len(backlog) > backlogMax {
			backlog = nil
			if !writeSSE(w, "resync", upTo, map[string]any{"seq": upTo}) {
				return
			}
		}
		for _, ev := range backlog {
			if ev.Seq > upTo {
				break // live from here
			}
			if !h.writeEvent(w, r, p, ev) {
				return
			}
		}
	} else if !writeSSE(w, "hello", upTo, map[string]any{"seq": upTo}) {
		return
	}
	if rc.Flush() != nil {
		return
	}
	ping := time.NewTicker(25 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.done:
			return // fell behind or the node stops: the page resumes from its last id
		case <-ping.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
		case ev := <-c.events:
			if ev.Seq <= sent {
				continue
			}
			if !h.writeEvent(w, r, p, ev) {
				return
			}
			sent = ev.Seq
		}
		if rc.Flush() != nil {
			return
		}
	}
}

// writeEvent renders ev for the caller: a message as they may read it.
func (h handlers) writeEvent(w http.ResponseWriter, r *http.Request, p *auth.Principal, ev Event) bool {
	data := map[string]any{"seq": ev.Seq, "kind": ev.Kind, "chat_id": ev.ChatID}
	if ev.Kind == EvRead {
		data["read_num"] = h.s.readNum(r.Context(), ev.ChatID, p.User.ID)
	} else {
		m, err := h.s.message(r.Context(), p.Scope, ev.MessageID)
		if err != nil {
			httpapi.Logger(r.Context()).Warn("chat event not rendered", "seq", ev.Seq, "err", err)
			return r.Context().Err() == nil
		}
		data["message"] = m
	}
	return writeSSE(w, ev.Kind, ev.Seq, data)
}

func writeSSE(w http.ResponseWriter, event string, id int64, data any) bool {
	b, err := json.Marshal(data)
	if err != nil {
		return false
	}
	_, err = fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", id, event, b)
	return err == nil
}
