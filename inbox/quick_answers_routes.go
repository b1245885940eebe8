package inbox

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// quickAnswerHandlers serve canned replies.
type quickAnswerHandlers struct{ QuickAnswers *QuickAnswers }

// quickAnswerInput is the body of create and update calls.
type quickAnswerInput struct {
	LineID   string `json:"line_id"`
	Shortcut string `json:"shortcut"`
	Text     string `json:"text"`
}

func (h *quickAnswerHandlers) httpListQuickAnswers(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	qs, err := h.QuickAnswers.List(r.Context(), p.Scope, r.URL.Query().Get("line_id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"quick_answers": qs})
}

func (h *quickAnswerHandlers) httpCreateQuickAnswer(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in quickAnswerInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	q, err := h.QuickAnswers.Create(r.Context(), p.Scope, QuickAnswer{LineID: in.LineID, Shortcut: in.Shortcut, Text: in.Text})
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, q)
}

func (h *quickAnswerHandlers) httpUpdateQuickAnswer(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Shortcut string `json:"shortcut"`
		Text     string `json:"text"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	q, err := h.QuickAnswers.Update(r.Context(), p.Scope, QuickAnswer{ID: r.PathValue("id"), Shortcut: in.Shortcut, Text: in.Text})
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, q)
}

func (h *quickAnswerHandlers) httpDeleteQuickAnswer(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := h.QuickAnswers.Delete(r.Context(), p.Scope, r.PathValue("id")); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
