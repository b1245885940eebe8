package workflow

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

func (h *adminHandlers) httpRegistries(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	regs, err := h.Numbering.Registries(r.Context(), p.Scope)
	answer(w, r, http.StatusOK, map[string]any{"registries": regs}, err)
}

func (h *adminHandlers) httpSetNumberFormat(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var f NumberFormat
	if err := httpapi.Decode(r, &f); err != nil {
		writeError(w, r, err)
		return
	}
	reg, err := h.Numbering.SetNumberFormat(r.Context(), p.Scope, r.PathValue("unit"), Kind(r.PathValue("kind")), f)
	answer(w, r, http.StatusOK, reg, err)
}

func (h *adminHandlers) httpDefinitions(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	defs, err := h.Definitions.Definitions(r.Context())
	answer(w, r, http.StatusOK, map[string]any{"definitions": defs}, err)
}

func (h *adminHandlers) httpDefinition(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v, err := httpapi.IntQuery(r, "version", 0)
	if err != nil {
		writeError(w, r, err)
		return
	}
	def, err := h.Definitions.Definition(r.Context(), r.PathValue("id"), v)
	answer(w, r, http.StatusOK, def, err)
}

func (h *adminHandlers) httpSaveDefinition(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var def Definition
	if err := httpapi.Decode(r, &def); err != nil {
		writeError(w, r, err)
		return
	}
	if def.ID != "" && def.ID != r.PathValue("id") {
		writeError(w, r, valid.Errorf("id", "id_mismatch", "the body's id differs from the URL's"))
		return
	}
	def.ID = r.PathValue("id")
	saved, err := h.Definitions.SaveDefinition(r.Context(), p.Scope, def)
	answer(w, r, http.StatusOK, saved, err)
}

func (h *adminHandlers) httpDiagram(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v, err := httpapi.IntQuery(r, "version", 0)
	if err != nil {
		writeError(w, r, err)
		return
	}
	def, err := h.Definitions.Definition(r.Context(), r.PathValue("id"), v)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(def.Diagram(r.URL.Query().Get("current")))
}

func (h *adminHandlers) httpTemplateUpload(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	t, err := h.Templates.AddTemplateFile(r.Context(), p.Scope, r.PathValue("id"), r.URL.Query().Get("name"), r.Header.Get("Content-Type"), r.Body)
	answer(w, r, http.StatusCreated, t, err)
}

func (h *adminHandlers) httpTemplates(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ts, err := h.Templates.Templates(r.Context(), p.Scope, Kind(r.URL.Query().Get("kind")))
	answer(w, r, http.StatusOK, map[string]any{"templates": ts}, err)
}

func (h *adminHandlers) httpSaveTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var t Template
	if err := httpapi.Decode(r, &t); err != nil {
		writeError(w, r, err)
		return
	}
	t.ID = r.PathValue("id")
	status := http.StatusOK
	if t.ID == "" {
		status = http.StatusCreated
	}
	saved, err := h.Templates.SaveTemplate(r.Context(), p.Scope, t)
	answer(w, r, status, saved, err)
}
