package crm

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// customFieldHandlers answer the custom fields' definitions API.
type customFieldHandlers struct {
	fields *CustomFields
	tr     Translator
}

// httpCustomFields lists an entity's fields (?entity=member): with
// ?unit_id= only those that apply to a card of that unit, with
// ?retired=true the retired ones too.
func (h customFieldHandlers) httpCustomFields(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	retired, err := boolQuery(q, "retired")
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	fs, err := h.fields.ListCustomFields(r.Context(), p.Scope, CustomFieldFilter{Entity: q.Get("entity"), UnitID: q.Get("unit_id"),
		Retired: retired != nil && *retired})
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"fields": fs})
}

func (h customFieldHandlers) httpCreateCustomField(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in CustomFieldInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	f, err := h.fields.CreateCustomField(r.Context(), p.Scope, in)
	if err != nil {
		httpapi.Error(w, r, h.tr.localize(p.User.Lang, err))
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, f)
}

// httpUpdateCustomField applies the body over the field's definition;
// entity, key and kind cannot change.
func (h customFieldHandlers) httpUpdateCustomField(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id := r.PathValue("id")
	patchWith(w, r, func() (CustomFieldInput, error) {
		cur, err := h.fields.customField(r.Context(), "", id)
		return cur.CustomFieldInput, err
	}, func(in CustomFieldInput) (CustomField, error) {
		f, err := h.fields.UpdateCustomField(r.Context(), p.Scope, id, in)
		return f, h.tr.localize(p.User.Lang, err)
	}, httpapi.Error)
}

func (h customFieldHandlers) retire(retire bool) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		f, err := h.fields.RetireCustomField(r.Context(), p.Scope, r.PathValue("id"), retire)
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, f)
	}
}
