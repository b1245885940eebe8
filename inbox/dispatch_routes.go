package inbox

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// dispatchHandlers post replies and notes and retry failed ones.
type dispatchHandlers struct{ Dispatch *Dispatch }

func (h *dispatchHandlers) httpPost(dir string) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		var in ReplyInput
		if err := httpapi.Decode(r, &in); err != nil {
			httpapi.Error(w, r, err)
			return
		}
		var m Message
		var err error
		if dir == DirOut {
			m, err = h.Dispatch.Reply(r.Context(), p.Scope, r.PathValue("id"), in)
		} else {
			m, err = h.Dispatch.Note(r.Context(), p.Scope, r.PathValue("id"), in)
		}
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusCreated, m)
	}
}

func (h *dispatchHandlers) httpReply(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	h.httpPost(DirOut)(w, r, p)
}
func (h *dispatchHandlers) httpNote(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	h.httpPost(DirNote)(w, r, p)
}

func (h *dispatchHandlers) httpRetry(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	m, err := h.Dispatch.Retry(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, m)
}
