package inbox

import (
	"net/http"
	"net/url"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// viewHandlers answer the saved views' API and the contact labels'.
type viewHandlers struct {
	Views         *Views
	Labels        *Labels
	Conversations *Conversations
}

// counted fills in each view's count of conversations, as it opens (the
// missing parts left out).
func (h *viewHandlers) counted(r *http.Request, p *auth.Principal, vs []View) error {
	for i := range vs {
		f, err := filterOfQuery(vs[i].Filter.Values())
		if err != nil {
			return err
		}
		if vs[i].Count, err = h.Conversations.Count(r.Context(), p.Scope, f); err != nil {
			return err
		}
	}
	return nil
}

func (h *viewHandlers) httpListViews(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	vs, err := h.Views.List(r.Context(), p.Scope)
	if err == nil && r.URL.Query().Get("counts") != "false" {
		err = h.counted(r, p, vs)
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"views": vs, "max": MaxViewsPerUser})
}

func (h *viewHandlers) httpGetView(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v, err := h.Views.Get(r.Context(), p.Scope, r.PathValue("id"))
	one := []View{v}
	if err == nil {
		err = h.counted(r, p, one)
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, one[0])
}

func (h *viewHandlers) httpSaveView(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Name   string     `json:"name"`
		Shared bool       `json:"shared"`
		Filter ViewFilter `json:"filter"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	v, err := h.Views.Save(r.Context(), p.Scope, in.Name, in.Shared, in.Filter, func(q url.Values) error {
		_, err := filterOfQuery(q)
		return err
	})
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, v)
}

func (h *viewHandlers) httpUpdateView(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in ViewChange
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	v, err := h.Views.Update(r.Context(), p.Scope, r.PathValue("id"), in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, v)
}

func (h *viewHandlers) httpDeleteView(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := h.Views.Delete(r.Context(), p.Scope, r.PathValue("id")); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// httpSetContactLabel puts a label on (PUT) or takes it off (DELETE) the
// contact of a conversation.
func (h *viewHandlers) httpSetContactLabel(on bool) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
			return h.Labels.SetContactLabel(r.Context(), p.Scope, id, r.PathValue("label"), on)
		})(w, r, p)
	}
}

// httpMemberLabels are the labels of the contacts linked to a member card.
func (h *viewHandlers) httpMemberLabels(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ls, err := h.Labels.MemberLabels(r.Context(), p.Scope, r.PathValue("member"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"labels": ls})
}
