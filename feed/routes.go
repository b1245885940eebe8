package feed

import (
	"net/http"
	"strconv"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// handlers are the feed's API (docs/API.md, "Feed") over the service.
type handlers struct{ s *Service }

// Routes adds the feed's API to mux.
func (s *Service) Routes(mux *http.ServeMux) {
	h := handlers{s}
	a := httpapi.Authed
	const p = "/api/v1/feed"
	mux.HandleFunc("GET "+p, a(h.page))
	mux.HandleFunc("GET "+p+"/stream", a(h.stream))
	mux.HandleFunc("POST "+p+"/posts", a(h.create))
	mux.HandleFunc("POST "+UploadPrefix, a(h.upload))
	mux.HandleFunc("GET "+p+"/posts/{id}", a(h.get))
	mux.HandleFunc("GET "+p+"/posts/{id}/files/{file}", a(h.file))
	mux.HandleFunc("POST "+p+"/posts/{id}/confirm", a(h.confirm))
	mux.HandleFunc("GET "+p+"/posts/{id}/confirmations", a(h.confirmations))
	mux.HandleFunc("POST "+p+"/posts/{id}/remind", a(h.remind))
	mux.HandleFunc("GET "+p+"/posts/{id}/comments", a(h.comments))
	mux.HandleFunc("POST "+p+"/posts/{id}/comments", a(h.comment))
	mux.HandleFunc("POST "+p+"/posts/{id}/reactions", a(h.react))
	mux.HandleFunc("POST "+p+"/posts/{id}/vote", a(h.vote))
	mux.HandleFunc("POST "+p+"/posts/{id}/pin", a(h.pin(true)))
	mux.HandleFunc("POST "+p+"/posts/{id}/unpin", a(h.pin(false)))
}

func answer(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, v)
}

// page is ?before= (ms) for the next page.
func (h handlers) page(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	pg, err := h.s.Feed(r.Context(), p.Scope, before)
	answer(w, r, pg, err)
}

func (h handlers) create(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in Input
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	post, err := h.s.Create(r.Context(), p.Scope, in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"post": post})
}

// upload takes the file as the request body, its name in ?name=.
func (h handlers) upload(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, err := h.s.Upload(r.Context(), p.Scope, r.URL.Query().Get("name"), http.MaxBytesReader(w, r.Body, MaxFileBytes+1))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"file": f})
}

func (h handlers) get(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	post, err := h.s.Get(r.Context(), p.Scope, r.PathValue("id"))
	answer(w, r, map[string]any{"post": post}, err)
}

func (h handlers) file(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, rd, err := h.s.OpenFile(r.Context(), p.Scope, r.PathValue("id"), r.PathValue("file"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	serveFile(w, r, f, rd)
}

func (h handlers) confirm(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	post, err := h.s.Confirm(r.Context(), p.Scope, r.PathValue("id"))
	answer(w, r, map[string]any{"post": post}, err)
}

func (h handlers) confirmations(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	units, err := h.s.Confirmations(r.Context(), p.Scope, r.PathValue("id"))
	answer(w, r, map[string]any{"units": units}, err)
}

func (h handlers) remind(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	n, err := h.s.Remind(r.Context(), p.Scope, r.PathValue("id"))
	answer(w, r, map[string]any{"reminded": n}, err)
}

func (h handlers) comments(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	list, err := h.s.Comments(r.Context(), p.Scope, r.PathValue("id"))
	answer(w, r, map[string]any{"comments": list}, err)
}

func (h handlers) comment(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Text string `json:"text"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	c, err := h.s.AddComment(r.Context(), p.Scope, r.PathValue("id"), in.Text)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"comment": c})
}

func (h handlers) react(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Emoji string `json:"emoji"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	counts, err := h.s.React(r.Context(), p.Scope, r.PathValue("id"), in.Emoji)
	answer(w, r, map[string]any{"reactions": counts}, err)
}

func (h handlers) vote(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Options []int `json:"options"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	post, err := h.s.Vote(r.Context(), p.Scope, r.PathValue("id"), in.Options)
	answer(w, r, map[string]any{"post": post}, err)
}

func (h handlers) pin(on bool) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		post, err := h.s.Pin(r.Context(), p.Scope, r.PathValue("id"), on)
		answer(w, r, map[string]any{"post": post}, err)
	}
}
