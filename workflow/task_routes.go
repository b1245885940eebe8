package workflow

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

func (h *taskHandlers) httpMyTasks(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ts, err := h.Tasks.MyTasks(r.Context(), p.Scope)
	answer(w, r, http.StatusOK, map[string]any{"tasks": ts}, err)
}

func (h *taskHandlers) httpFeed(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	limit, err := httpapi.IntQuery(r, "limit", 50)
	if err != nil {
		writeError(w, r, err)
		return
	}
	items, err := h.Activity.Feed(r.Context(), p.Scope, r.URL.Query().Get("before"), limit)
	answer(w, r, http.StatusOK, map[string]any{"events": items}, err)
}

func (h *taskHandlers) httpNotifications(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	limit, err := httpapi.IntQuery(r, "limit", 50)
	if err != nil {
		writeError(w, r, err)
		return
	}
	ns, unread, err := h.Notices.Notifications(r.Context(), p.Scope, r.URL.Query().Get("after"), limit)
	answer(w, r, http.StatusOK, map[string]any{"notifications": ns, "unread": unread}, err)
}

func (h *taskHandlers) httpMarkRead(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		ID string `json:"id"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	err := h.Notices.MarkRead(r.Context(), p.Scope, in.ID)
	answer(w, r, http.StatusOK, map[string]bool{"ok": true}, err)
}

func (h *taskHandlers) httpControlReport(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ts, err := h.Tasks.ControlReport(r.Context(), p.Scope)
	answer(w, r, http.StatusOK, map[string]any{"tasks": ts}, err)
}
