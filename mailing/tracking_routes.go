package mailing

import (
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"

	"github.com/profhub/profhub/internal/security/auth"
)

// trackingHandlers answer the tracking switch of the settings page and the
// open pixel and click links of campaign e-mails.
type trackingHandlers struct {
	tracking *Tracking
	log      *slog.Logger
}

func (h trackingHandlers) httpGetSettings(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	st, err := h.tracking.Settings(r.Context(), p.Scope)
	reply(w, r, http.StatusOK, st, err)
}

func (h trackingHandlers) httpPutSettings(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in MailingSettings
	if !decode(w, r, &in) {
		return
	}
	reply(w, r, http.StatusOK, in, h.tracking.SetTracking(r.Context(), p.Scope, in.Tracking))
}

// transparentGIF is the 1×1 image the open link answers with.
var transparentGIF, _ = base64.StdEncoding.DecodeString("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")

func (h trackingHandlers) httpOpen(w http.ResponseWriter, r *http.Request) {
	h.tracking.CountOpen(r.Context(), r.PathValue("token"))
	w.Header().Set("Content-Type", "image/gif")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(transparentGIF)
}

// httpClick counts a click and redirects to the link's address, if the
// token was signed for that address and the campaign's HTML holds it.
func (h trackingHandlers) httpClick(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Query().Get("u")
	id, err := h.tracking.Click(r.Context(), r.PathValue("token"), target)
	switch {
	case errors.Is(err, errBadToken):
		h.log.Warn("click with a bad token", "ip", r.RemoteAddr)
	case errors.Is(err, errForeignLink):
		h.log.Warn("click to an address the campaign does not hold", "campaign", id, "ip", r.RemoteAddr)
	}
	if err != nil {
		http.Error(w, "unknown link", http.StatusNotFound)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusFound)
}
