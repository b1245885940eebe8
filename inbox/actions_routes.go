package inbox

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// actionHandlers change a conversation's state.
type actionHandlers struct{ Actions *Actions }

// convAction adapts the operator actions that return the conversation.
func convAction(fn func(r *http.Request, p *auth.Principal, id string) (Conversation, error)) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		c, err := fn(r, p, r.PathValue("id"))
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, c)
	}
}

func (h *actionHandlers) httpClose(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		return h.Actions.Close(r.Context(), p.Scope, id)
	})(w, r, p)
}

func (h *actionHandlers) httpReopen(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		return h.Actions.Reopen(r.Context(), p.Scope, id)
	})(w, r, p)
}

func (h *actionHandlers) httpSpam(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		return h.Actions.MarkSpam(r.Context(), p.Scope, id)
	})(w, r, p)
}

func (h *actionHandlers) httpPriority(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		var in struct {
			Priority int `json:"priority"`
		}
		if err := httpapi.Decode(r, &in); err != nil {
			return Conversation{}, err
		}
		return h.Actions.SetPriority(r.Context(), p.Scope, id, in.Priority)
	})(w, r, p)
}

func (h *actionHandlers) httpLinkMember(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		var in struct {
			MemberID string `json:"member_id"`
		}
		if err := httpapi.Decode(r, &in); err != nil {
			return Conversation{}, err
		}
		return h.Actions.LinkMember(r.Context(), p.Scope, id, in.MemberID)
	})(w, r, p)
}

func (h *actionHandlers) httpMarkRead(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := h.Actions.MarkRead(r.Context(), p.Scope, r.PathValue("id")); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
