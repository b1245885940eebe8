package mailing

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
)

// editorHandlers answer the block editor: its variables, templates,
// uploaded pictures (and their public addresses) and sample recipients.
type editorHandlers struct {
	vars      *EditorVars
	templates *LetterTemplates
	images    *Images
	audience  *Audience
	log       *slog.Logger
}

func (h editorHandlers) httpVariables(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	vs, err := h.vars.Variables(r.Context(), p.Scope)
	reply(w, r, http.StatusOK, map[string]any{"variables": vs}, err)
}

func (h editorHandlers) httpListTemplates(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ts, err := h.templates.Templates(r.Context(), p.Scope)
	reply(w, r, http.StatusOK, map[string]any{"templates": ts}, err)
}

func (h editorHandlers) httpCreateTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in LetterTemplateInput
	if !decode(w, r, &in) {
		return
	}
	t, err := h.templates.CreateTemplate(r.Context(), p.Scope, in)
	reply(w, r, http.StatusCreated, t, err)
}

func (h editorHandlers) httpGetTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	t, err := h.templates.Template(r.Context(), p.Scope, r.PathValue("id"))
	reply(w, r, http.StatusOK, t, err)
}

func (h editorHandlers) httpDeleteTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	err := h.templates.DeleteTemplate(r.Context(), p.Scope, r.PathValue("id"))
	reply(w, r, http.StatusOK, map[string]bool{"deleted": true}, err)
}

func (h editorHandlers) httpSampleRecipients(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in CampaignInput
	if !decode(w, r, &in) {
		return
	}
	rs, err := h.audience.SampleRecipients(r.Context(), p.Scope, in, 20)
	reply(w, r, http.StatusOK, map[string]any{"recipients": rs}, err)
}

// httpUploadImage takes a picture as the raw request body.
func (h editorHandlers) httpUploadImage(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxImageBytes+1))
	if err != nil && !errors.As(err, new(*http.MaxBytesError)) {
		httpapi.Error(w, r, err)
		return
	}
	img, err := h.images.Upload(r.Context(), p.Scope, data)
	reply(w, r, http.StatusCreated, img, err)
}

// httpImage serves an uploaded picture to anyone with its address: the
// recipients' mail programs. Only the sniffed picture types were stored,
// and the answer may not be read as anything else.
func (h editorHandlers) httpImage(w http.ResponseWriter, r *http.Request) {
	f, ct, err := h.images.image(r.Context(), r.PathValue("id"))
	if errors.Is(err, db.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.log.Error("mailing image", "err", err)
		http.Error(w, "temporary failure", http.StatusServiceUnavailable)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, "", time.Time{}, f)
}
