package workcal

import (
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
)

// handlers are the production calendar's API (docs/API.md, "Production
// calendar") over the service.
type handlers struct{ s *Service }

// Routes adds the calendar's API to mux.
func (s *Service) Routes(mux *http.ServeMux) {
	h := handlers{s}
	a := httpapi.Authed
	const p = "/api/v1/workcal"
	mux.HandleFunc("GET "+p+"/years", a(h.years))
	mux.HandleFunc("GET "+p+"/years/{year}", a(h.file))
	mux.HandleFunc("PUT "+p+"/years/{year}", a(h.upload))
	mux.HandleFunc("DELETE "+p+"/years/{year}", a(h.revert))
	mux.HandleFunc("GET "+p+"/days", a(h.days))
	mux.HandleFunc("GET "+p+"/add", a(h.add))
}

func yearOf(r *http.Request) (int, error) {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || y < 2000 || y > 2100 {
		return 0, valid.Keyed("year", "calendar", "workcal_year_path", "the year must be a number from 2000 to 2100")
	}
	return y, nil
}

func (h handlers) years(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ys, err := h.s.Years(r.Context(), p.Scope)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"years": ys})
}

func (h handlers) file(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	y, err := yearOf(r)
	if err == nil {
		err = p.Scope.Require(access.ReadDirectory)
	}
	var f Year
	if err == nil {
		f, err = h.s.File(y)
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, f)
}

// upload takes the year's file as the request body.
func (h handlers) upload(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	y, err := yearOf(r)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxFileBytes+1))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	sm, err := h.s.Upload(r.Context(), p.Scope, y, raw)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"year": sm})
}

func (h handlers) revert(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	y, err := yearOf(r)
	if err == nil {
		err = h.s.Revert(r.Context(), p.Scope, y)
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// days lists ?from=YYYY-MM-DD&to=YYYY-MM-DD (at most 400 days).
func (h handlers) days(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := p.Scope.Require(access.ReadDirectory); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	from, err1 := time.Parse(time.DateOnly, r.URL.Query().Get("from"))
	to, err2 := time.Parse(time.DateOnly, r.URL.Query().Get("to"))
	if err1 != nil || err2 != nil || to.Before(from) || to.Sub(from) > 400*24*time.Hour {
		httpapi.Error(w, r, valid.Keyed("from", "calendar", "workcal_range", "from and to must be dates (YYYY-MM-DD), from first, at most 400 days apart"))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"days": h.s.Days(from, to)})
}

// add answers ?from=YYYY-MM-DD&days=N: the date N working days later.
func (h handlers) add(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := p.Scope.Require(access.ReadDirectory); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	from, err := time.Parse(time.DateOnly, r.URL.Query().Get("from"))
	n, err2 := httpapi.IntQuery(r, "days", 0)
	if err != nil || err2 != nil || n < 0 || n > MaxAddDays {
		httpapi.Error(w, r, valid.Keyed("from", "calendar", "workcal_add", "from must be a date (YYYY-MM-DD) and days 0 to %d", MaxAddDays))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"date": h.s.cal.AddWorkingDays(from, n).Format(time.DateOnly)})
}
