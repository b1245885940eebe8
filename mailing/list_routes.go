package mailing

import (
	"net/http"

	"github.com/profhub/profhub/internal/security/auth"
)

// listHandlers answer for who may be sent to: imported lists and the
// suppression list.
type listHandlers struct {
	lists        *Lists
	suppressions *Suppressions
}

func (h listHandlers) httpListLists(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ls, err := h.lists.ListLists(r.Context(), p.Scope)
	reply(w, r, http.StatusOK, map[string]any{"lists": ls}, err)
}

func (h listHandlers) httpCreateList(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Name string `json:"name"`
	}
	if !decode(w, r, &in) {
		return
	}
	l, err := h.lists.CreateList(r.Context(), p.Scope, in.Name)
	reply(w, r, http.StatusCreated, l, err)
}

func (h listHandlers) httpAppendList(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Entries []ListEntry `json:"entries"`
	}
	if !decode(w, r, &in) {
		return
	}
	l, err := h.lists.AppendToList(r.Context(), p.Scope, r.PathValue("id"), in.Entries)
	reply(w, r, http.StatusOK, l, err)
}

func (h listHandlers) httpSuppress(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Channel string `json:"channel"`
		Address string `json:"address"`
		Reason  string `json:"reason"`
	}
	if !decode(w, r, &in) {
		return
	}
	err := h.suppressions.Suppress(r.Context(), p.Scope, in.Channel, in.Address, in.Reason)
	reply(w, r, http.StatusOK, map[string]bool{"suppressed": true}, err)
}
