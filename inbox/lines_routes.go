package inbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// lineHandlers serve the open lines and their operators.
type lineHandlers struct{ Lines *Lines }

func (h *lineHandlers) httpListLines(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	lines, err := h.Lines.List(r.Context(), p.Scope)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if lines == nil {
		lines = []Line{}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"lines": lines})
}

func (h *lineHandlers) httpGetLine(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	l, err := h.Lines.Get(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, l)
}

func (h *lineHandlers) httpCreateLine(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	l := DefaultLine()
	if err := httpapi.Decode(r, &l); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	l, err := h.Lines.Create(r.Context(), p.Scope, l)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, l)
}

// httpUpdateLine changes the fields the body names; "operators" and
// "hours", when given, replace the old ones whole (decoding into the old
// values would mix old and new entries).
func (h *lineHandlers) httpUpdateLine(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	l, err := h.Lines.Get(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	var present map[string]json.RawMessage
	if json.Unmarshal(body, &present) == nil {
		if _, ok := present["operators"]; ok {
			l.Operators = nil
		}
		if _, ok := present["hours"]; ok {
			l.Hours = WorkingHours{}
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err := httpapi.Decode(r, &l); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	l.ID = r.PathValue("id")
	if l, err = h.Lines.Update(r.Context(), p.Scope, l); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, l)
}
