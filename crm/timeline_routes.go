package crm

import (
	"net/http"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

// timelineHandlers answer a member's timeline.
type timelineHandlers struct{ timelines *Timelines }

func (h timelineHandlers) httpMemberTimeline(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var before time.Time
	if b := r.URL.Query().Get("before"); b != "" {
		var err error
		if before, err = time.Parse(time.RFC3339Nano, b); err != nil {
			httpapi.Error(w, r, valid.Errorf("before", "time", "before must be an RFC 3339 time"))
			return
		}
	}
	limit, err := httpapi.IntQuery(r, "limit", 50)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	tl, err := h.timelines.MemberTimeline(r.Context(), p.Scope, r.PathValue("id"), before, limit)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, tl)
}
