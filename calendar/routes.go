package calendar

import (
	"net/http"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

// handlers are the calendar's JSON API (docs/API.md, "Calendar").
type handlers struct {
	s    *Service
	keys *Secrets
}

// Routes adds the calendar API to mux.
func (s *Service) Routes(mux *http.ServeMux, keys *Secrets) {
	h := handlers{s, keys}
	a := httpapi.Authed
	const p = "/api/v1/calendar"
	mux.HandleFunc("GET "+p+"/calendars", a(h.calendars))
	mux.HandleFunc("GET "+p+"/occurrences", a(h.occurrences))
	mux.HandleFunc("POST "+p+"/events", a(h.create))
	mux.HandleFunc("GET "+p+"/events/{id}", a(h.event))
	mux.HandleFunc("PUT "+p+"/events/{id}", a(h.update))
	mux.HandleFunc("DELETE "+p+"/events/{id}", a(h.delete))
	mux.HandleFunc("POST "+p+"/events/{id}/answer", a(h.answer))
	mux.HandleFunc("PUT "+p+"/birthday", a(h.birthday))
	mux.HandleFunc("GET "+p+"/secrets", a(h.secrets))
	mux.HandleFunc("POST "+p+"/secrets", a(h.newSecret))
	mux.HandleFunc("DELETE "+p+"/secrets/{id}", a(h.revoke))
	s.DAVRoutes(mux, keys)
}

func (h handlers) caller(r *http.Request, p *auth.Principal) Caller {
	return h.s.CallerOf(p.User, p.Scope.From)
}

func (h handlers) calendars(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	cals, err := h.s.Calendars(r.Context(), h.caller(r, p))
	answer(w, r, map[string]any{"calendars": cals, "kinds": EventKinds}, err)
}

// occurrences answers ?from=YYYY-MM-DD&to=YYYY-MM-DD (to exclusive, in the
// caller's zone) and optionally &calendar=id,id.
func (h handlers) occurrences(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	c := h.caller(r, p)
	q := r.URL.Query()
	lo, err1 := time.ParseInLocation("2006-01-02", q.Get("from"), c.Zone)
	hi, err2 := time.ParseInLocation("2006-01-02", q.Get("to"), c.Zone)
	if err1 != nil || err2 != nil {
		httpapi.Error(w, r, valid.Errorf("from", "calendar_window", "ask for at most 400 days at once"))
		return
	}
	var only []string
	if s := q.Get("calendar"); s != "" {
		only = strings.Split(s, ",")
	}
	occ, err := h.s.Occurrences(r.Context(), c, lo, hi, only)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	bd, err := h.s.Birthdays(r.Context(), lo, hi)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	out := map[string]any{"occurrences": occ, "birthdays": bd, "zone": c.Zone.String()}
	// &members=1: the union members' birthdays in the caller's scope too
	if q.Get("members") == "1" {
		mb, more, err := h.s.MemberBirthdays(r.Context(), c, lo, hi)
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		out["member_birthdays"], out["member_birthdays_more"] = mb, more
	}
	answer(w, r, out, nil)
}

func (h handlers) create(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in Input
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	e, err := h.s.Create(r.Context(), h.caller(r, p), in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"event": e})
}

func (h handlers) event(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	e, err := h.s.Event(r.Context(), h.caller(r, p), r.PathValue("id"))
	answer(w, r, map[string]any{"event": e}, err)
}

func (h handlers) update(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in Input
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	e, err := h.s.Update(r.Context(), h.caller(r, p), r.PathValue("id"), in)
	answer(w, r, map[string]any{"event": e}, err)
}

func (h handlers) delete(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	err := h.s.Delete(r.Context(), h.caller(r, p), r.PathValue("id"))
	answer(w, r, map[string]any{"deleted": true}, err)
}

func (h handlers) answer(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Status string `json:"status"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	e, err := h.s.Answer(r.Context(), h.caller(r, p), r.PathValue("id"), in.Status)
	answer(w, r, map[string]any{"event": e}, err)
}

func (h handlers) birthday(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Date string `json:"date"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	err := h.s.SetBirthday(r.Context(), h.caller(r, p), in.Date)
	answer(w, r, map[string]any{"date": in.Date}, err)
}

// secrets lists the caller's app passwords and feed, with the addresses a
// phone is given.
func (h handlers) secrets(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	list, err := h.keys.List(r.Context(), p.User.ID)
	answer(w, r, map[string]any{"secrets": list, "caldav_url": h.s.deps.BaseURL + DAVPrefix + "/", "login": p.User.Login}, err)
}

// newSecret makes an app password or a new feed address, shown this once.
func (h handlers) newSecret(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	sec, plain, err := h.keys.Create(r.Context(), p.User.ID, in.Kind, in.Name)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	out := map[string]any{"secret": sec, "value": plain}
	if in.Kind == FeedToken {
		out["url"] = h.s.deps.BaseURL + FeedPrefix + plain + ".ics"
	}
	httpapi.WriteJSON(w, http.StatusCreated, out)
}

func (h handlers) revoke(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	err := h.keys.Revoke(r.Context(), p.User.ID, r.PathValue("id"))
	answer(w, r, map[string]any{"revoked": true}, err)
}

func answer(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, v)
}
