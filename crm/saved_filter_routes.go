package crm

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

// savedFilterHandlers answer the saved filters' API.
type savedFilterHandlers struct{ filters *SavedFilters }

func (h savedFilterHandlers) httpListSavedFilters(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	fs, err := h.filters.SavedFilters(r.Context(), p.Scope)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"filters": fs})
}

// httpSaveFilter takes a name, a shared flag and the filter as the query
// string of the member list (the page's own URL, as the UI has it); a
// filter_id in it saves a copy of that saved filter.
func (h savedFilterHandlers) httpSaveFilter(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Name   string `json:"name"`
		Shared bool   `json:"shared"`
		Query  string `json:"query"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	q, err := url.ParseQuery(strings.TrimPrefix(in.Query, "?"))
	if err != nil {
		httpapi.Error(w, r, valid.Errorf("query", "query", "query must be a URL query string of member filters"))
		return
	}
	fr := r.Clone(r.Context())
	fr.URL = &url.URL{RawQuery: q.Encode()}
	f, err := filterOfRequest(fr, p, h.filters)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	out, err := h.filters.SaveFilter(r.Context(), p.Scope, in.Name, in.Shared, f)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, out)
}

func (h savedFilterHandlers) httpDeleteSavedFilter(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := h.filters.DeleteSavedFilter(r.Context(), p.Scope, r.PathValue("id")); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// httpUpdateSavedFilter renames a saved filter or changes its sharing.
func (h savedFilterHandlers) httpUpdateSavedFilter(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in SavedFilterChange
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	out, err := h.filters.UpdateSavedFilter(r.Context(), p.Scope, r.PathValue("id"), in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}
