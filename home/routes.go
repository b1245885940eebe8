package home

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// handlers serve the home page's data (docs/API.md, "Home").
type handlers struct{ s *Service }

// Routes adds the home API to mux.
func (s *Service) Routes(mux *http.ServeMux) {
	h := handlers{s}
	mux.HandleFunc("GET /api/v1/home", httpapi.Authed(h.page))
}

func (h handlers) page(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	pg, err := h.s.Page(r.Context(), p.Scope)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, pg)
}
