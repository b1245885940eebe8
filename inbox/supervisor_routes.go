package inbox

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// supervisorHandlers serve the supervisors' overview.
type supervisorHandlers struct{ Supervisor *Supervisor }

func (h *supervisorHandlers) httpOverview(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	lines, err := h.Supervisor.Overview(r.Context(), p.Scope, nil)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"lines": lines})
}
