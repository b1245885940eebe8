package crm

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
)

// appealCategoryHandlers answer the appeal categories' API.
type appealCategoryHandlers struct{ categories *AppealCategories }

// httpAppealCategories lists the categories (?all=true: disabled ones too)
// and tells the UI what the caller may do with them.
func (h appealCategoryHandlers) httpAppealCategories(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	all, err := boolQuery(r.URL.Query(), "all")
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	cs, err := h.categories.AppealCategories(r.Context(), p.Scope, all != nil && *all)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"categories": cs,
		"can_manage": p.Scope.Can(access.ManageAppeals), "can_set_due": p.Scope.Can(access.SetAppealDue)})
}

func (h appealCategoryHandlers) httpCreateAppealCategory(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in AppealCategoryInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	c, err := h.categories.CreateAppealCategory(r.Context(), p.Scope, in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, c)
}

// httpUpdateAppealCategory applies the body over the category: fields left
// out keep their values.
func (h appealCategoryHandlers) httpUpdateAppealCategory(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	cur, err := h.categories.appealCategory(r.Context(), r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	in := cur.AppealCategoryInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	c, err := h.categories.UpdateAppealCategory(r.Context(), p.Scope, cur.ID, in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, c)
}
