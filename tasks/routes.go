package tasks

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// handlers are the tasks' API (docs/API.md, "Tasks") over the service.
type handlers struct{ s *Service }

// Routes adds the tasks' API to mux.
func (s *Service) Routes(mux *http.ServeMux) {
	h := handlers{s}
	a := httpapi.Authed
	const p = "/api/v1/tasks"
	mux.HandleFunc("GET "+p, a(h.list))
	mux.HandleFunc("POST "+p, a(h.create))
	mux.HandleFunc("GET "+p+"/{id}", a(h.get))
	mux.HandleFunc("POST "+p+"/{id}/{action}", a(h.act))
	mux.HandleFunc("POST "+p+"/{id}/comments", a(h.comment))
	mux.HandleFunc("POST "+p+"/{id}/checklist", a(h.addItem))
	mux.HandleFunc("POST "+p+"/{id}/checklist/{item}", a(h.tick))
	mux.HandleFunc("POST "+UploadPrefix+"{id}", a(h.attach))
	mux.HandleFunc("GET "+p+"/{id}/files/{file}", a(h.file))
}

func answer(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, v)
}

// list is ?view=mine|assigned|watching&status=&overdue=1&from=&to=&q=, or
// ?source=document:ID.
func (h handlers) list(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	list, err := h.s.List(r.Context(), p.Scope, Filter{View: q.Get("view"), Status: q.Get("status"), Overdue: q.Get("overdue") == "1",
		From: q.Get("from"), To: q.Get("to"), Text: q.Get("q"), Source: q.Get("source")})
	answer(w, r, map[string]any{"tasks": list}, err)
}

func (h handlers) create(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in Input
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	t, err := h.s.Create(r.Context(), p.Scope, in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"task": t})
}

func (h handlers) get(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	t, err := h.s.Get(r.Context(), p.Scope, r.PathValue("id"))
	answer(w, r, map[string]any{"task": t}, err)
}

// text reads an optional {"text": …} body.
func text(r *http.Request) (string, error) {
	var in struct {
		Text string `json:"text"`
	}
	if r.ContentLength != 0 {
		if err := httpapi.Decode(r, &in); err != nil {
			return "", err
		}
	}
	return in.Text, nil
}

// act is start, submit, accept or return ({"text": why}).
func (h handlers) act(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	c, err := text(r)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	t, err := h.s.Act(r.Context(), p.Scope, r.PathValue("id"), r.PathValue("action"), c)
	answer(w, r, map[string]any{"task": t}, err)
}

func (h handlers) comment(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	c, err := text(r)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	t, err := h.s.Comment(r.Context(), p.Scope, r.PathValue("id"), c)
	answer(w, r, map[string]any{"task": t}, err)
}

func (h handlers) addItem(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	c, err := text(r)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	t, err := h.s.AddItem(r.Context(), p.Scope, r.PathValue("id"), c)
	answer(w, r, map[string]any{"task": t}, err)
}

// tick is {"done": true|false}.
func (h handlers) tick(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Done bool `json:"done"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	t, err := h.s.Tick(r.Context(), p.Scope, r.PathValue("id"), r.PathValue("item"), in.Done)
	answer(w, r, map[string]any{"task": t}, err)
}

// attach takes the file as the request body and its name in ?name=.
func (h handlers) attach(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, err := h.s.Attach(r.Context(), p.Scope, r.PathValue("id"), r.URL.Query().Get("name"), r.Body)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"file": f})
}

func (h handlers) file(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, rd, err := h.s.OpenFile(r.Context(), p.Scope, r.PathValue("id"), r.PathValue("file"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	serveFile(w, r, f, rd)
}
