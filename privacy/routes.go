package privacy

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// handlers are the personal data API (docs/API.md, "Personal data").
type handlers struct{ s *Service }

// Routes adds the personal data API to mux.
func (s *Service) Routes(mux *http.ServeMux) {
	h := handlers{s}
	a := httpapi.Authed
	const p = "/api/v1/privacy"
	mux.HandleFunc("GET "+p+"/access", a(h.access))
	mux.HandleFunc("GET "+p+"/members/{id}", a(h.status))
	mux.HandleFunc("GET "+p+"/members/{id}/report", a(h.report))
	mux.HandleFunc("POST "+p+"/members/{id}/erase", a(h.erase))
	mux.HandleFunc("GET "+p+"/consents", a(h.consents))
	mux.HandleFunc("GET "+p+"/consents.xlsx", a(h.consentsXLSX))
	mux.HandleFunc("POST "+p+"/consents", a(h.recordConsent))
	mux.HandleFunc("GET "+p+"/consent-texts", a(h.texts))
	mux.HandleFunc("POST "+p+"/consent-texts", a(h.setText))
	mux.HandleFunc("GET "+p+"/retention", a(h.retention))
	mux.HandleFunc("PUT "+p+"/retention/{kind}", a(h.setRetention))
	mux.HandleFunc("POST "+p+"/holds", a(h.hold(true)))
	mux.HandleFunc("DELETE "+p+"/holds/{type}/{id}", a(h.unhold))
}

func answer(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, v)
}

// access is ?member=&user=&from=&to=&all=1&before=.
func (h handlers) access(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	rows, err := h.s.AccessLog(r.Context(), p.Scope, AccessFilter{MemberID: q.Get("member"), UserID: q.Get("user"), From: q.Get("from"),
		To: q.Get("to"), All: q.Get("all") == "1", Before: q.Get("before"), Limit: 100})
	answer(w, r, map[string]any{"rows": rows}, err)
}

func (h handlers) status(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	st, err := h.s.Status(r.Context(), p.Scope, r.PathValue("id"))
	answer(w, r, st, err)
}

// report is ?format=xlsx (default), html or json.
func (h handlers) report(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	format := r.URL.Query().Get("format")
	if format != "html" && format != "json" {
		format = "xlsx"
	}
	rep, err := h.s.Report(r.Context(), p.Scope, r.PathValue("id"), format)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	var buf bytes.Buffer
	name := "Отчёт субъекту ПДн " + rep.Name + " " + rep.MadeAt.In(h.s.zone).Format("2006-01-02")
	switch format {
	case "json":
		httpapi.WriteJSON(w, http.StatusOK, rep)
		return
	case "html":
		err = rep.WriteHTML(&buf, h.s.day)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// A document with its own inline style and no script at all.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'")
	default:
		err = rep.WriteXLSX(&buf, h.s.day)
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", attachment("subject-report.xlsx", name+".xlsx"))
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// attachment names a download: ascii for old clients, the Russian name
// for the rest.
func attachment(ascii, name string) string {
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(name))
}

func (h handlers) erase(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in EraseInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	in.MemberID = r.PathValue("id")
	e, err := h.s.Erase(r.Context(), p.Scope, in)
	answer(w, r, map[string]any{"erasure": e}, err)
}

func consentFilter(r *http.Request) ConsentFilter {
	q := r.URL.Query()
	return ConsentFilter{MemberID: q.Get("member"), From: q.Get("from"), To: q.Get("to"), AskAgain: q.Get("ask_again") == "1"}
}

func (h handlers) consents(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	list, err := h.s.Consents(r.Context(), p.Scope, consentFilter(r))
	answer(w, r, map[string]any{"consents": list}, err)
}

func (h handlers) consentsXLSX(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var buf bytes.Buffer
	if err := h.s.WriteConsentsXLSX(r.Context(), &buf, p.Scope, consentFilter(r)); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	name := "Реестр согласий " + time.Now().In(h.s.zone).Format("2006-01-02") + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", attachment("consents.xlsx", name))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

func (h handlers) recordConsent(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in ConsentInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	e, err := h.s.RecordConsent(r.Context(), p.Scope, in)
	answer(w, r, map[string]any{"consent": e}, err)
}

func (h handlers) texts(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	list, err := h.s.ConsentTexts(r.Context(), p.Scope)
	answer(w, r, map[string]any{"texts": list}, err)
}

func (h handlers) setText(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Kind string `json:"kind"`
		Text string `json:"text"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	t, err := h.s.SetConsentText(r.Context(), p.Scope, in.Kind, in.Text)
	answer(w, r, map[string]any{"text": t}, err)
}

func (h handlers) retention(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	list, err := h.s.Retentions(r.Context(), p.Scope)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	runs, err := h.s.Runs(r.Context(), p.Scope)
	answer(w, r, map[string]any{"retention": list, "runs": runs}, err)
}

func (h handlers) setRetention(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Days int `json:"days"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	ret, err := h.s.SetRetention(r.Context(), p.Scope, r.PathValue("kind"), in.Days)
	answer(w, r, map[string]any{"retention": ret}, err)
}

func (h handlers) hold(on bool) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		var in Hold
		if err := httpapi.Decode(r, &in); err != nil {
			httpapi.Error(w, r, err)
			return
		}
		answer(w, r, map[string]any{"hold": in}, h.s.SetHold(r.Context(), p.Scope, in, on))
	}
}

func (h handlers) unhold(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	in := Hold{ObjectType: r.PathValue("type"), ObjectID: r.PathValue("id")}
	answer(w, r, map[string]any{"hold": in}, h.s.SetHold(r.Context(), p.Scope, in, false))
}
