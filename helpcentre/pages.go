package helpcentre

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"strings"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// The public pages are drawn here, not in the staff shell: a visitor has
// no menu, no session and no script; the vote is a plain form.

//go:embed templates/*.html static/*
var files embed.FS

var pageTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	"html": func(s string) template.HTML { return template.HTML(s) }, // bodies are sanitised when saved (sanitize.go)
}).ParseFS(files, "templates/*.html"))

// page is what every public page template reads.
type page struct {
	Lang     string
	T        func(key string, args ...any) string
	Title    string
	Query    string
	Editor   bool
	Category *Category
	Cats     []categoryBlock
	Articles []Article
	Hits     []Hit
	Searched bool
	Article  *Article
	Voted    bool
}

type categoryBlock struct {
	Category
	Articles []Article
}

func (h handlers) newPage(r *http.Request) *page {
	lang := h.s.deps.Negotiate(r.Header.Get("Accept-Language"))
	p := auth.FromContext(r.Context())
	if p != nil && p.User.Lang != "" {
		lang = p.User.Lang
	}
	return &page{Lang: lang, T: func(key string, args ...any) string { return h.s.deps.Translate(lang, key, args...) },
		Editor: p != nil && !p.MFAPending && editor(p.Scope)}
}

func (h handlers) render(w http.ResponseWriter, r *http.Request, name string, p *page) {
	var buf bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&buf, name, p); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// index is the categories with their articles, or the answer to ?q=.
func (h handlers) index(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r)
	ctx := r.Context()
	p.Title = p.T("help.title")
	if q := strings.TrimSpace(r.URL.Query().Get("q")); q != "" {
		p.Query, p.Searched = q, true
		hits, err := h.s.Search(ctx, publicScope, q, 20)
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		p.Hits = hits
		h.render(w, r, "index", p)
		return
	}
	cats, err := h.s.Categories(ctx, publicScope)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	all, err := h.s.Articles(ctx, publicScope, "")
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	for _, c := range cats {
		b := categoryBlock{Category: c}
		for _, a := range all {
			if a.CategoryID == c.ID {
				b.Articles = append(b.Articles, a)
			}
		}
		if len(b.Articles) > 0 {
			p.Cats = append(p.Cats, b)
		}
	}
	h.render(w, r, "index", p)
}

func (h handlers) category(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r)
	c, err := h.s.Category(r.Context(), publicScope, r.PathValue("id"))
	if err != nil {
		h.missing(w, r, p, err)
		return
	}
	list, err := h.s.Articles(r.Context(), publicScope, c.ID)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	p.Category, p.Articles, p.Title = &c, list, c.Name
	h.render(w, r, "category", p)
}

// article shows a published article and counts the view.
func (h handlers) article(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r)
	ctx := r.Context()
	a, err := h.s.Article(ctx, publicScope, r.PathValue("id"))
	if err != nil {
		h.missing(w, r, p, err)
		return
	}
	browser, fresh := h.browser(w, r)
	if counted, err := h.s.View(ctx, a.ID, browser, h.s.clientIP(r), r.UserAgent(), fresh); err != nil {
		httpapi.Logger(ctx).Warn("help article view not counted", "article", a.ID, "err", err)
	} else if counted {
		a.Views++
	}
	if p.Voted, err = h.s.Voted(ctx, a.ID, browser); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	p.Article, p.Title = &a, a.Title
	h.render(w, r, "article", p)
}

// missing answers a page that is not there (a draft, a deleted article)
// with the help centre's own page, 404.
func (h handlers) missing(w http.ResponseWriter, r *http.Request, p *page, err error) {
	if status, _, _, _ := httpapi.Classify(err); status != http.StatusNotFound {
		httpapi.Error(w, r, err)
		return
	}
	p.Title = p.T("help.not_found")
	var buf bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&buf, "missing", p); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write(buf.Bytes())
}

func (h handlers) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := files.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	switch {
	case strings.HasSuffix(name, ".css"):
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case strings.HasSuffix(name, ".svg"):
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(b)
}
