package crm

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// panelHandlers answer the console's side panel API (ConversationPanel).
type panelHandlers struct {
	panel *ConversationPanel
	tr    Translator
}

// httpContact answers the conversation's contact and the cards proposed
// for it (PanelContact).
func (h panelHandlers) httpContact(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	c, err := h.panel.Contact(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, c)
}

// httpConfirmLink links the contact to a proposed card: {"member_id"}.
func (h panelHandlers) httpConfirmLink(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		MemberID string `json:"member_id"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	m, err := h.panel.ConfirmLink(r.Context(), p.Scope, r.PathValue("id"), in.MemberID)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"member": m})
}

// httpDismissLink stops proposing a card for the contact.
func (h panelHandlers) httpDismissLink(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := h.panel.DismissLink(r.Context(), p.Scope, r.PathValue("id"), r.PathValue("member")); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// httpFields answers the conversation's custom fields and values.
func (h panelHandlers) httpFields(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, err := h.panel.Fields(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, f)
}

// httpSetFields changes values: {"values": {"key": value|null}}.
func (h panelHandlers) httpSetFields(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Values map[string]any `json:"values"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	f, err := h.panel.SetFields(r.Context(), p.Scope, r.PathValue("id"), in.Values)
	if err != nil {
		httpapi.Error(w, r, h.tr.localize(p.User.Lang, err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, f)
}
