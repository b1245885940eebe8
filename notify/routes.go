package notify

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// handlers are the notification API (docs/API.md, "Notifications") over
// the service.
type handlers struct{ s *Service }

// Routes adds the notification API to mux.
func (s *Service) Routes(mux *http.ServeMux) {
	h := handlers{s}
	a := httpapi.Authed
	const p = "/api/v1/notifications"
	mux.HandleFunc("GET "+p, a(h.list))
	mux.HandleFunc("GET "+p+"/stream", a(h.stream))
	mux.HandleFunc("POST "+p+"/read", a(h.readAll))
	mux.HandleFunc("POST "+p+"/{id}/read", a(h.read))
	mux.HandleFunc("GET "+p+"/preferences", a(h.prefs))
	mux.HandleFunc("PUT "+p+"/preferences", a(h.setPrefs))
	s.pushRoutes(mux)
	s.tg.routes(mux)
}

func (h handlers) list(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	limit, err := httpapi.IntQuery(r, "limit", 20)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	items, unread, err := h.s.List(r.Context(), p.Scope, r.URL.Query().Get("before"), limit)
	answer(w, r, map[string]any{"notifications": items, "unread": unread}, err)
}

// read marks one notice read and returns it, so the bell can open its link.
func (h handlers) read(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	it, err := h.s.Get(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	unread, err := h.s.MarkRead(r.Context(), p.Scope, it.ID)
	it.Read = true
	answer(w, r, map[string]any{"notification": it, "unread": unread}, err)
}

func (h handlers) readAll(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	unread, err := h.s.MarkRead(r.Context(), p.Scope, "")
	answer(w, r, map[string]any{"unread": unread}, err)
}

func (h handlers) prefs(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	prefs, err := h.s.Prefs(r.Context(), p.Scope)
	answer(w, r, map[string]any{"preferences": prefs, "delivered": h.s.delivered()}, err)
}

func (h handlers) setPrefs(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Preferences []Pref `json:"preferences"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	prefs, err := h.s.SetPrefs(r.Context(), p.Scope, in.Preferences)
	answer(w, r, map[string]any{"preferences": prefs, "delivered": h.s.delivered()}, err)
}

// stream is the bell's live count as server-sent events: one "count" event
// at once, then one whenever the count may have changed (and every half
// minute), until the page goes or the node stops.
func (h handlers) stream(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	rc := http.NewResponseController(w)
	wake, stop := h.s.subscribe(p.User.ID)
	defer stop()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 3000\n\n"); err != nil {
		return
	}
	tick := time.NewTicker(30 * time.Second)
	defer tick.Stop()
	last := -1
	for {
		n, err := h.s.Unread(r.Context(), p.Scope)
		if err == nil && n != last {
			b, _ := json.Marshal(map[string]int{"unread": n})
			if _, err := fmt.Fprintf(w, "event: count\ndata: %s\n\n", b); err != nil {
				return
			}
			last = n
		} else if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
			return
		}
		if rc.Flush() != nil {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-h.s.done:
			return
		case <-wake:
		case <-tick.C:
		}
	}
}

// delivered are the ways this node delivers notices now.
func (s *Service) delivered() []string {
	out := []string{"hub", "email", "telegram"}
	if s.deps.Push != nil {
		out = append(out, "push")
	}
	return out
}

func answer(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, v)
}
