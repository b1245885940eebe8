package inbox

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// routingHandlers take, accept, decline and transfer conversations.
type routingHandlers struct{ Routing *Routing }

func (h *routingHandlers) httpAccept(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		return h.Routing.Accept(r.Context(), p.Scope, id)
	})(w, r, p)
}

func (h *routingHandlers) httpTake(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		return h.Routing.Take(r.Context(), p.Scope, id)
	})(w, r, p)
}

func (h *routingHandlers) httpTransfer(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		var in TransferInput
		if err := httpapi.Decode(r, &in); err != nil {
			return Conversation{}, err
		}
		return h.Routing.Transfer(r.Context(), p.Scope, id, in)
	})(w, r, p)
}

func (h *routingHandlers) httpDecline(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := h.Routing.Decline(r.Context(), p.Scope, r.PathValue("id")); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *routingHandlers) httpTakeOver(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		return h.Routing.TakeOver(r.Context(), p.Scope, id)
	})(w, r, p)
}
