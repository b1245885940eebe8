package crm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/profhub/profhub/internal/security/auth"
)

// progressEvery is how often the live progress looks at a running batch;
// progressStreamFor bounds one stream, after which the browser's
// EventSource reconnects by itself (so a node's shutdown never waits
// long for a stream of a large import).
const (
	progressEvery     = 150 * time.Millisecond
	progressStreamFor = 30 * time.Second
)

// httpBatchEvents is an import batch's live progress as server-sent
// events, as the bell's count is (notify): an event "progress" with the
// ImportBatch at once and whenever its count or status changes, the last
// one when it is no longer running; then the stream ends. The count is
// the running node's, read on any other node from the progress board
// (Redis).
func (h importSessionHandlers) httpBatchEvents(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ctx, id := r.Context(), r.PathValue("id")
	b, err := h.sessions.Batch(ctx, p.Scope, id)
	if err != nil {
		importError(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 1000\n\n"); err != nil {
		return
	}
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	end := time.After(progressStreamFor)
	sent := ImportBatch{Done: -1}
	for {
		if b.Done != sent.Done || b.Status != sent.Status {
			data, _ := json.Marshal(b)
			if _, err := fmt.Fprintf(w, "event: progress\ndata: %s\n\n", data); err != nil {
				return
			}
			sent = b
		}
		if rc.Flush() != nil || b.Status != BatchRunning {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-end:
			return
		case <-tick.C:
		}
		if b, err = h.sessions.Batch(ctx, p.Scope, id); err != nil {
			return
		}
	}
}
