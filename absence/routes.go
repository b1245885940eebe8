package absence

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// handlers are the absences' API (docs/API.md, "Absences") over the
// service.
type handlers struct{ s *Service }

// Routes adds the absences' API to mux.
func (s *Service) Routes(mux *http.ServeMux) {
	h := handlers{s}
	a := httpapi.Authed
	const p = "/api/v1/absences"
	mux.HandleFunc("GET "+p, a(h.month))
	mux.HandleFunc("GET "+p+"/mine", a(h.mine))
	mux.HandleFunc("GET "+p+"/requests", a(h.requests))
	mux.HandleFunc("POST "+p, a(h.create))
	mux.HandleFunc("POST "+p+"/{id}/approve", a(h.decide(true)))
	mux.HandleFunc("POST "+p+"/{id}/reject", a(h.decide(false)))
	mux.HandleFunc("POST "+p+"/{id}/cancel", a(h.cancel))
}

func answer(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, v)
}

// month is ?unit=&month=YYYY-MM.
func (h handlers) month(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	c, err := h.s.Month(r.Context(), p.Scope, r.URL.Query().Get("unit"), r.URL.Query().Get("month"))
	answer(w, r, c, err)
}

func (h handlers) mine(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	list, err := h.s.Mine(r.Context(), p.Scope)
	answer(w, r, map[string]any{"absences": list}, err)
}

func (h handlers) requests(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	list, err := h.s.Requests(r.Context(), p.Scope)
	answer(w, r, map[string]any{"absences": list}, err)
}

func (h handlers) create(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in Input
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	a, err := h.s.Create(r.Context(), p.Scope, in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"absence": a})
}

func (h handlers) decide(approve bool) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		var in struct {
			Reason string `json:"reason"`
		}
		if r.ContentLength != 0 {
			if err := httpapi.Decode(r, &in); err != nil {
				httpapi.Error(w, r, err)
				return
			}
		}
		a, err := h.s.Decide(r.Context(), p.Scope, r.PathValue("id"), approve, in.Reason)
		answer(w, r, map[string]any{"absence": a}, err)
	}
}

func (h handlers) cancel(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	a, err := h.s.Cancel(r.Context(), p.Scope, r.PathValue("id"))
	answer(w, r, map[string]any{"absence": a}, err)
}
