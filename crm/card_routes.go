package crm

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// cardHandlers answer what the card pages add to the cards: archive,
// restore and the history of changes.
type cardHandlers struct{ cards *Cards }

func (h cardHandlers) httpMemberHistory(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	events, err := h.cards.MemberHistory(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"events": events})
}

func (h cardHandlers) httpOrganisationHistory(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	events, err := h.cards.OrganisationHistory(r.Context(), p.Scope, r.PathValue("unit"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"events": events})
}

// archiveMember answers POST …/archive (archive true) and …/restore.
func (h cardHandlers) archiveMember(archive bool) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		m, err := h.cards.ArchiveMember(r.Context(), p.Scope, r.PathValue("id"), archive)
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, m)
	}
}

func (h cardHandlers) archiveOrganisation(archive bool) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		o, err := h.cards.ArchiveOrganisation(r.Context(), p.Scope, r.PathValue("unit"), archive)
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, o)
	}
}
