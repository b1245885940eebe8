package crm

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// organisationHandlers answer the organisation cards' API.
type organisationHandlers struct {
	orgs *Organisations
	tr   Translator // validation messages in the user's language
}

func (h organisationHandlers) httpGetOrganisation(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	o, err := h.orgs.GetOrganisation(r.Context(), p.Scope, r.PathValue("unit"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, o)
}

// httpUpdateOrganisation applies the body over the current card, like
// httpUpdateMember.
func (h organisationHandlers) httpUpdateOrganisation(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	unit := r.PathValue("unit")
	patchWith(w, r, func() (OrganisationInput, error) {
		cur, err := h.orgs.GetOrganisation(r.Context(), p.Scope, unit)
		return cur.OrganisationInput, err
	}, func(in OrganisationInput) (Organisation, error) {
		o, err := h.orgs.UpdateOrganisation(r.Context(), p.Scope, unit, in)
		return o, h.tr.localize(p.User.Lang, err)
	}, httpapi.Error)
}
