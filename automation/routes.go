package automation

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// handlers are the automation's API (docs/API.md, "Automation") over the
// service.
type handlers struct{ s *Service }

// Routes adds the rules', macros' and bulk actions' API to mux.
func (s *Service) Routes(mux *http.ServeMux) {
	h := handlers{s}
	a := httpapi.Authed
	const p = "/api/v1/automation"
	mux.HandleFunc("GET "+p+"/rules", a(h.rules))
	mux.HandleFunc("POST "+p+"/rules", a(h.saveRule))
	mux.HandleFunc("PUT "+p+"/rules/{id}", a(h.saveRule))
	mux.HandleFunc("DELETE "+p+"/rules/{id}", a(h.deleteRule))
	mux.HandleFunc("POST "+p+"/rules/order", a(h.reorder))
	mux.HandleFunc("GET "+p+"/choices", a(h.choices))
	mux.HandleFunc("GET "+p+"/macros", a(h.macros))
	mux.HandleFunc("POST "+p+"/macros", a(h.saveMacro))
	mux.HandleFunc("PUT "+p+"/macros/{id}", a(h.saveMacro))
	mux.HandleFunc("DELETE "+p+"/macros/{id}", a(h.deleteMacro))
	mux.HandleFunc("POST "+p+"/macros/{id}/run", a(h.runMacro))
	mux.HandleFunc("POST "+p+"/bulk", a(h.bulk))
}

func answer(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, v)
}

func (h handlers) rules(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	rs, err := h.s.Rules(r.Context(), p.Scope)
	answer(w, r, map[string]any{"rules": rs}, err)
}

func (h handlers) choices(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	c, err := h.s.Choices(r.Context(), p.Scope)
	answer(w, r, c, err)
}

func (h handlers) saveRule(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in Rule
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	in.ID = r.PathValue("id")
	out, err := h.s.SaveRule(r.Context(), p.Scope, in)
	answer(w, r, out, err)
}

func (h handlers) deleteRule(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	answer(w, r, map[string]bool{"ok": true}, h.s.DeleteRule(r.Context(), p.Scope, r.PathValue("id")))
}

func (h handlers) reorder(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		IDs []string `json:"ids"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	answer(w, r, map[string]bool{"ok": true}, h.s.Reorder(r.Context(), p.Scope, in.IDs))
}

func (h handlers) macros(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ms, err := h.s.Macros(r.Context(), p.Scope)
	answer(w, r, map[string]any{"macros": ms}, err)
}

func (h handlers) saveMacro(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in Macro
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	in.ID = r.PathValue("id")
	out, err := h.s.SaveMacro(r.Context(), p.Scope, in)
	answer(w, r, out, err)
}

func (h handlers) deleteMacro(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	answer(w, r, map[string]bool{"ok": true}, h.s.DeleteMacro(r.Context(), p.Scope, r.PathValue("id")))
}

// runMacro runs a macro on the conversation {"conversation_id": …}.
func (h handlers) runMacro(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		ConversationID string `json:"conversation_id"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	c, err := h.s.RunMacro(r.Context(), p.Scope, r.PathValue("id"), in.ConversationID)
	answer(w, r, c, err)
}

func (h handlers) bulk(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in BulkInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	res, err := h.s.Bulk(r.Context(), p.Scope, in)
	answer(w, r, res, err)
}
