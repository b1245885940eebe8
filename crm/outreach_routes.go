package crm

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// outreachHandlers answer the member card's "write to the member".
type outreachHandlers struct {
	outreach *Outreach
}

func (h outreachHandlers) httpChannels(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	chans, err := h.outreach.Channels(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"channels": chans})
}

func (h outreachHandlers) httpStart(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in OutreachInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	conv, err := h.outreach.Start(r.Context(), p.Scope, r.PathValue("id"), in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, conv)
}
