package webhooks

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// handlers are the webhooks' API (docs/API.md, "Webhooks").
type handlers struct{ s *Service }

// Routes adds the webhooks' API to mux.
func (s *Service) Routes(mux *http.ServeMux) {
	h := handlers{s}
	a := httpapi.Authed
	const p = "/api/v1/webhooks"
	mux.HandleFunc("GET "+p, a(h.list))
	mux.HandleFunc("POST "+p, a(h.create))
	mux.HandleFunc("POST "+p+"/{id}/enable", a(h.enable(true)))
	mux.HandleFunc("POST "+p+"/{id}/disable", a(h.enable(false)))
	mux.HandleFunc("GET "+p+"/{id}/deliveries", a(h.deliveries))
	mux.HandleFunc("POST "+p+"/deliveries/{id}/resend", a(h.resend))
}

func answer(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, v)
}

func (h handlers) list(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	list, err := h.s.List(r.Context(), p.Scope)
	answer(w, r, map[string]any{"endpoints": list, "types": Types}, err)
}

func (h handlers) create(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in Input
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	e, err := h.s.Create(r.Context(), p.Scope, in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"endpoint": e})
}

func (h handlers) enable(on bool) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		err := h.s.SetEnabled(r.Context(), p.Scope, r.PathValue("id"), on)
		answer(w, r, map[string]any{"enabled": on}, err)
	}
}

func (h handlers) deliveries(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	list, err := h.s.Deliveries(r.Context(), p.Scope, r.PathValue("id"), 100)
	answer(w, r, map[string]any{"deliveries": list}, err)
}

func (h handlers) resend(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	err := h.s.Resend(r.Context(), p.Scope, r.PathValue("id"))
	answer(w, r, map[string]any{"queued": true}, err)
}
