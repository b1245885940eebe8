package helpcentre

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// PublicPrefix is the public API's path: no staff credentials are read
// there (the web layer's middleware lets it pass, as it does the widget's).
const PublicPrefix = "/help/v1/"

// browserCookie is a visitor's random id, for views and votes.
const browserCookie = "profhub_help"

// handlers are the help centre's API (docs/API.md, "Help centre") and
// its public pages over the service.
type handlers struct{ s *Service }

// Routes adds the public pages, the public API and the editors' API.
func (s *Service) Routes(mux *http.ServeMux) {
	h := handlers{s}
	a := httpapi.Authed
	// The public help centre (pages.go).
	mux.HandleFunc("GET /help", h.index)
	mux.HandleFunc("GET /help/c/{id}", h.category)
	mux.HandleFunc("GET /help/a/{id}", h.article)
	mux.HandleFunc("GET /help/static/{file}", h.static)
	// The public API: the widget's suggestions and the page's vote.
	mux.HandleFunc("GET "+PublicPrefix+"suggest", h.suggest)
	mux.HandleFunc("OPTIONS "+PublicPrefix+"suggest", h.preflight)
	mux.HandleFunc("POST "+PublicPrefix+"articles/{id}/vote", h.vote)
	// The editors' API (and the console's search, for Ctrl+K).
	const p = "/api/v1/help"
	mux.HandleFunc("GET "+p+"/categories", a(h.categories))
	mux.HandleFunc("POST "+p+"/categories", a(h.createCategory))
	mux.HandleFunc("PUT "+p+"/categories/{id}", a(h.renameCategory))
	mux.HandleFunc("DELETE "+p+"/categories/{id}", a(h.deleteCategory))
	mux.HandleFunc("GET "+p+"/articles", a(h.articles))
	mux.HandleFunc("POST "+p+"/articles", a(h.createArticle))
	mux.HandleFunc("GET "+p+"/articles/{id}", a(h.getArticle))
	mux.HandleFunc("PUT "+p+"/articles/{id}", a(h.saveArticle))
	mux.HandleFunc("DELETE "+p+"/articles/{id}", a(h.deleteArticle))
	mux.HandleFunc("GET "+p+"/search", a(h.search))
}

func answer(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, v)
}

// withBase puts the request's origin in its context, for the links.
func withBase(r *http.Request, trustProxy bool) *http.Request {
	scheme := "http"
	if r.TLS != nil || (trustProxy && r.Header.Get("X-Forwarded-Proto") == "https") {
		scheme = "https"
	}
	return r.WithContext(WithBase(r.Context(), scheme+"://"+r.Host))
}

// suggest answers the widget: up to three published articles for what
// the visitor is typing, to any site (the answer is public).
func (h handlers) suggest(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Expose-Headers", "Retry-After")
	if wait := h.s.allow(r.Context(), "suggest", h.s.clientIP(r), h.s.deps.SuggestPerMinute); wait > 0 {
		tooMany(w, r, wait)
		return
	}
	r = withBase(r, h.s.deps.TrustProxy)
	hits, err := h.s.Suggest(r.Context(), r.URL.Query().Get("q"))
	answer(w, r, map[string]any{"articles": hits}, err)
}

// tooMany refuses an address over its limit: 429, Retry-After, and a
// message in the visitor's language.
func tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	httpapi.WriteJSON(w, http.StatusTooManyRequests, httpapi.Problem{Error: httpapi.ProblemDetail{Code: "throttled",
		Message:   httpapi.Text(r.Context(), "err.help_throttled", fmt.Sprintf("too many requests from your address; try again in %d s", secs), secs),
		RequestID: httpapi.RequestID(r.Context())}})
}

func (h handlers) preflight(w http.ResponseWriter, _ *http.Request) {
	hd := w.Header()
	hd.Set("Access-Control-Allow-Origin", "*")
	hd.Set("Access-Control-Allow-Methods", "GET")
	hd.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// vote takes the article page's form («Да» / «Нет») and returns to the
// page, which then thanks the visitor; a script may send JSON
// {"helpful": bool} and read JSON back.
func (h handlers) vote(w http.ResponseWriter, r *http.Request) {
	if wait := h.s.allow(r.Context(), "vote", h.s.clientIP(r), VotesPerMinute); wait > 0 {
		tooMany(w, r, wait)
		return
	}
	id := r.PathValue("id")
	browser, _ := h.browser(w, r)
	var helpful bool
	jsonBody := strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
	if jsonBody {
		var in struct {
			Helpful bool `json:"helpful"`
		}
		if err := httpapi.Decode(r, &in); err != nil {
			httpapi.Error(w, r, err)
			return
		}
		helpful = in.Helpful
	} else {
		helpful = r.PostFormValue("helpful") == "yes"
	}
	err := h.s.Vote(r.Context(), id, browser, helpful)
	if jsonBody {
		answer(w, r, map[string]any{"voted": true}, err)
		return
	}
	if err != nil && err != errVotedAlready {
		httpapi.Error(w, r, err)
		return
	}
	http.Redirect(w, r, ArticlePath(id)+"#helpful", http.StatusSeeOther)
}

// browser is the visitor's id from the cookie, or a new one set now
// (fresh).
func (h handlers) browser(w http.ResponseWriter, r *http.Request) (id string, fresh bool) {
	if c, err := r.Cookie(browserCookie); err == nil && len(c.Value) == 32 {
		return c.Value, false
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	id = hex.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: browserCookie, Value: id, Path: "/help", MaxAge: 365 * 24 * 3600, HttpOnly: true,
		Secure: h.s.deps.SecureCookies, SameSite: http.SameSiteLaxMode})
	return id, true
}

// clientIP is the peer's address, or the last hop a trusted reverse proxy
// appended to X-Forwarded-For.
func (s *Service) clientIP(r *http.Request) string {
	return httpapi.ClientIP(r, s.deps.TrustProxy)
}

func (h handlers) categories(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	list, err := h.s.Categories(r.Context(), p.Scope)
	answer(w, r, map[string]any{"categories": list, "can_edit": editor(p.Scope)}, err)
}

type nameInput struct {
	Name string `json:"name"`
}

func (h handlers) createCategory(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in nameInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	c, err := h.s.CreateCategory(r.Context(), p.Scope, in.Name)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"category": c})
}

func (h handlers) renameCategory(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in nameInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	c, err := h.s.RenameCategory(r.Context(), p.Scope, r.PathValue("id"), in.Name)
	answer(w, r, map[string]any{"category": c}, err)
}

func (h handlers) deleteCategory(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	err := h.s.DeleteCategory(r.Context(), p.Scope, r.PathValue("id"))
	answer(w, r, map[string]any{"deleted": true}, err)
}

func (h handlers) articles(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	r = withBase(r, h.s.deps.TrustProxy)
	list, err := h.s.Articles(r.Context(), p.Scope, r.URL.Query().Get("category_id"))
	answer(w, r, map[string]any{"articles": list}, err)
}

func (h handlers) getArticle(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	r = withBase(r, h.s.deps.TrustProxy)
	a, err := h.s.Article(r.Context(), p.Scope, r.PathValue("id"))
	answer(w, r, map[string]any{"article": a}, err)
}

func (h handlers) createArticle(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	h.save(w, r, p, "")
}

func (h handlers) saveArticle(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	h.save(w, r, p, r.PathValue("id"))
}

func (h handlers) save(w http.ResponseWriter, r *http.Request, p *auth.Principal, id string) {
	var in Input
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	r = withBase(r, h.s.deps.TrustProxy)
	saved, err := h.s.SaveArticle(r.Context(), p.Scope, id, in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	status := http.StatusOK
	if id == "" {
		status = http.StatusCreated
	}
	httpapi.WriteJSON(w, status, saved)
}

func (h handlers) deleteArticle(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	err := h.s.DeleteArticle(r.Context(), p.Scope, r.PathValue("id"))
	answer(w, r, map[string]any{"deleted": true}, err)
}

// search is the console's: published articles for the operator to link.
func (h handlers) search(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	r = withBase(r, h.s.deps.TrustProxy)
	hits, err := h.s.Search(r.Context(), publicScope, r.URL.Query().Get("q"), 8)
	answer(w, r, map[string]any{"articles": hits}, err)
}
