package inbox

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// presenceHandlers serve operators' presence and offers.
type presenceHandlers struct{ Presence *Presence }

func (h *presenceHandlers) httpSetPresence(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Status string `json:"status"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if err := h.Presence.SetPresence(r.Context(), p.Scope, in.Status); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	h.httpGetPresence(w, r, p)
}

func (h *presenceHandlers) httpMyOffers(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	offers, err := h.Presence.MyOffers(r.Context(), p.Scope)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"offers": offers})
}

// httpGetPresence returns the caller's chosen state and the one routing
// uses (absent during an approved absence), for a console that (re)loads
// or has just changed it.
func (h *presenceHandlers) httpGetPresence(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	mine, err := h.Presence.Mine(r.Context(), p.Scope)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, mine)
}
