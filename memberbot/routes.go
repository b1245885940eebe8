package memberbot

import (
	"net/http"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
)

// officeHandlers are the office's staff API (docs/API.md, "Member's office")
// and the public verify page.
type officeHandlers struct{ s *Service }

// Routes adds the verify page and the staff API to mux.
func (s *Service) Routes(mux *http.ServeMux) {
	h := officeHandlers{s}
	a := httpapi.Authed
	mux.HandleFunc("GET /v/{token}", h.verify)
	mux.HandleFunc("GET /v/style.css", h.style)
	const p = "/api/v1/memberbot"
	mux.HandleFunc("GET "+p+"/members/{id}/links", a(h.links))
	mux.HandleFunc("GET "+p+"/members/{id}/card.png", a(h.cardFile(false)))
	mux.HandleFunc("GET "+p+"/members/{id}/card.pdf", a(h.cardFile(true)))
	mux.HandleFunc("POST "+p+"/links", a(h.link))
	mux.HandleFunc("DELETE "+p+"/links/{id}", a(h.unlink))
	mux.HandleFunc("GET "+p+"/stats", a(h.stats))
}

func (h officeHandlers) links(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	list, err := h.s.MemberLinks(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"links": list})
}

func (h officeHandlers) link(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		ConversationID string `json:"conversation_id"`
		MemberID       string `json:"member_id"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	l, err := h.s.StaffLink(r.Context(), p.Scope, in.ConversationID, in.MemberID)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"link": l})
}

func (h officeHandlers) unlink(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := h.s.StaffUnlink(r.Context(), p.Scope, r.PathValue("id")); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// cardFile answers the card as a PNG or a PDF.
func (h officeHandlers) cardFile(pdf bool) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		body, err := h.s.StaffCardImage(r.Context(), p.Scope, r.PathValue("id"), pdf)
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		ctype, name := "image/png", "profbilet.png"
		if pdf {
			ctype, name = "application/pdf", "profbilet.pdf"
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Cache-Control", "no-store")
		if pdf || r.URL.Query().Get("download") == "1" {
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		}
		_, _ = w.Write(body)
	}
}

// stats is ?from=&to= (YYYY-MM-DD, to exclusive; default the last 30 days).
func (h officeHandlers) stats(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := p.Scope.Require(access.SuperviseInbox); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	q := r.URL.Query()
	today := h.s.now().In(h.s.zone)
	from, to := q.Get("from"), q.Get("to")
	if to == "" {
		to = today.AddDate(0, 0, 1).Format("2006-01-02")
	}
	if from == "" {
		from = today.AddDate(0, 0, -29).Format("2006-01-02")
	}
	for _, d := range []string{from, to} {
		if _, err := time.Parse("2006-01-02", d); err != nil {
			httpapi.Error(w, r, valid.Errorf("from", "date", "%q is not a date", d))
			return
		}
	}
	list, err := h.s.Stats(r.Context(), from, to)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "actions": list})
}
