package feed

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/profhub/profhub/internal/security/auth"
)

// stream serves one page's live stream (stream.go): a "post" event per
// new post the reader may see.
func (h handlers) stream(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	s, sc := h.s, p.Scope
	rc := http.NewResponseController(w)
	wake, stop := s.subscribe()
	defer stop()
	last := r.URL.Query().Get("after")
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		last = id // the browser reconnects from the last post it got
	}
	if len(last) > 64 {
		last = ""
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 3000\n\n"); err != nil {
		return
	}
	tick := time.NewTicker(30 * time.Second)
	defer tick.Stop()
	for {
		posts, next, err := s.newSince(r.Context(), sc, last)
		if err == nil {
			last = next
		}
		for _, post := range posts {
			b, _ := json.Marshal(post)
			if _, err := fmt.Fprintf(w, "id: %s\nevent: post\ndata: %s\n\n", post.ID, b); err != nil {
				return
			}
		}
		if len(posts) == 0 {
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
		}
		if rc.Flush() != nil {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		case <-wake:
		case <-tick.C:
		}
	}
}
