package chat

import (
	"net/http"
	"strconv"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

// UploadPrefix is where files are uploaded; the hub lets bodies there be
// as large as a file may be.
const UploadPrefix = "/api/v1/chat/uploads/"

// handlers are the chat's API (docs/API.md, "Chat") over the service.
type handlers struct{ s *Service }

// Routes adds the chat's API to mux.
func (s *Service) Routes(mux *http.ServeMux) {
	h := handlers{s}
	a := httpapi.Authed
	const p = "/api/v1/chat"
	mux.HandleFunc("GET "+p+"/chats", a(h.list))
	mux.HandleFunc("POST "+p+"/chats", a(h.create))
	mux.HandleFunc("GET "+p+"/chats/{id}", a(h.get))
	mux.HandleFunc("GET "+p+"/chats/{id}/messages", a(h.messages))
	mux.HandleFunc("POST "+p+"/chats/{id}/messages", a(h.send))
	mux.HandleFunc("POST "+p+"/chats/{id}/read", a(h.read))
	mux.HandleFunc("PATCH "+p+"/messages/{id}", a(h.edit))
	mux.HandleFunc("DELETE "+p+"/messages/{id}", a(h.delete))
	mux.HandleFunc("POST "+UploadPrefix+"{id}", a(h.upload))
	mux.HandleFunc("GET "+p+"/files/{key}", a(h.file))
	mux.HandleFunc("GET "+p+"/search", a(h.search))
	mux.HandleFunc("GET "+p+"/people", a(h.people))
	mux.HandleFunc("GET "+p+"/ws", a(h.stream))
	mux.HandleFunc("GET "+p+"/ice", a(h.ice))
}

func answer(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, v)
}

func (h handlers) list(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	list, err := h.s.Chats(r.Context(), p.Scope)
	answer(w, r, map[string]any{"chats": list}, err)
}

func (h handlers) create(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in NewChat
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	c, err := h.s.Create(r.Context(), p.Scope, in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"chat": c})
}

func (h handlers) get(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	c, err := h.s.Get(r.Context(), p.Scope, r.PathValue("id"))
	answer(w, r, map[string]any{"chat": c}, err)
}

// messages is ?before=NUM: the page of history before it, or the latest.
func (h handlers) messages(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	list, err := h.s.Messages(r.Context(), p.Scope, r.PathValue("id"), before)
	answer(w, r, map[string]any{"messages": list}, err)
}

func (h handlers) send(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in Post
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	m, err := h.s.Send(r.Context(), p.Scope, r.PathValue("id"), in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"message": m})
}

func (h handlers) read(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Num int64 `json:"num"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	err := h.s.MarkRead(r.Context(), p.Scope, r.PathValue("id"), in.Num)
	answer(w, r, map[string]any{"read_num": in.Num}, err)
}

func (h handlers) edit(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Text string `json:"text"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	m, err := h.s.Edit(r.Context(), p.Scope, r.PathValue("id"), in.Text)
	answer(w, r, map[string]any{"message": m}, err)
}

func (h handlers) delete(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	m, err := h.s.Delete(r.Context(), p.Scope, r.PathValue("id"))
	answer(w, r, map[string]any{"message": m}, err)
}

// upload takes one multipart field "file". A body declared larger than a
// file may be is refused before a byte of it is read.
func (h handlers) upload(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if r.ContentLength > MaxFileBytes+64<<10 {
		w.Header().Set("Connection", "close")
		httpapi.Error(w, r, ErrFileTooLarge)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxFileBytes+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		httpapi.Error(w, r, valid.Errorf("file", "multipart", "send the file as multipart/form-data in a field named file"))
		return
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			httpapi.Error(w, r, valid.Errorf("file", "multipart", "no file field in the form"))
			return
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		f, err := h.s.Upload(r.Context(), p.Scope, r.PathValue("id"), part.FileName(), part)
		part.Close()
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"file": f})
		return
	}
}

func (h handlers) file(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, err := h.s.OpenFile(r.Context(), p.Scope, r.PathValue("key"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	serveFile(w, r, f)
}

// search is ?q=words&chat=ID.
func (h handlers) search(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	hits, err := h.s.Search(r.Context(), p.Scope, r.URL.Query().Get("q"), r.URL.Query().Get("chat"))
	answer(w, r, map[string]any{"messages": hits}, err)
}

func (h handlers) people(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	list, err := h.s.People(r.Context(), p.Scope, r.URL.Query().Get("q"))
	answer(w, r, map[string]any{"people": list}, err)
}
