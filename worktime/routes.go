package worktime

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// handlers are working time's API (docs/API.md, "Working time") over the
// service.
type handlers struct{ s *Service }

// Routes adds working time's API to mux.
func (s *Service) Routes(mux *http.ServeMux) {
	h := handlers{s}
	a := httpapi.Authed
	const p = "/api/v1/worktime"
	mux.HandleFunc("GET "+p+"/today", a(h.today))
	mux.HandleFunc("POST "+p+"/{action}", a(h.act))
	mux.HandleFunc("GET "+p+"/sheet", a(h.sheet))
	mux.HandleFunc("GET "+p+"/sheet.xlsx", a(h.xlsx))
	mux.HandleFunc("POST "+p+"/corrections", a(h.correct))
}

func answer(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, v)
}

func (h handlers) today(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	t, err := h.s.Today(r.Context(), p.Scope)
	answer(w, r, map[string]any{"today": t}, err)
}

func (h handlers) act(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	t, err := h.s.Act(r.Context(), p.Scope, r.PathValue("action"))
	answer(w, r, map[string]any{"today": t}, err)
}

// sheet is ?unit=&month=YYYY-MM.
func (h handlers) sheet(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	sh, err := h.s.Month(r.Context(), p.Scope, r.URL.Query().Get("unit"), r.URL.Query().Get("month"))
	answer(w, r, sh, err)
}

// xlsx is the sheet as a file; a refusal is answered as JSON before any
// byte of the file is written.
func (h handlers) xlsx(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	if _, err := h.s.Month(r.Context(), p.Scope, q.Get("unit"), q.Get("month")); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="worktime.xlsx"`)
	if err := h.s.WriteXLSX(r.Context(), w, p.Scope, q.Get("unit"), q.Get("month")); err != nil {
		h.s.log.Warn("time sheet export failed", "err", err)
	}
}

func (h handlers) correct(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in CorrectInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	c, err := h.s.Correct(r.Context(), p.Scope, in)
	answer(w, r, map[string]any{"correction": c}, err)
}
