package inbox

import (
	"net/http"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// labelHandlers are the labels' API: the administrators' list and the
// labels and snooze of one conversation.
type labelHandlers struct {
	Labels  *Labels
	Actions *Actions
}

func (h *labelHandlers) httpListLabels(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ls, err := h.Labels.List(r.Context(), p.Scope)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"labels": ls})
}

func (h *labelHandlers) httpSaveLabel(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var l Label
	if err := httpapi.Decode(r, &l); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	l.ID = r.PathValue("id")
	l, err := h.Labels.Save(r.Context(), p.Scope, l)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, l)
}

func (h *labelHandlers) httpDeleteLabel(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := h.Labels.Delete(r.Context(), p.Scope, r.PathValue("id")); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// httpSetLabel puts a label on (PUT) or takes it off (DELETE) a conversation.
func (h *labelHandlers) httpSetLabel(on bool) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
			return h.Labels.SetLabel(r.Context(), p.Scope, id, r.PathValue("label"), on)
		})(w, r, p)
	}
}

// httpSnooze snoozes until "until" (ms), until 9:00 tomorrow with
// "tomorrow", or until the contact writes when neither is given.
func (h *labelHandlers) httpSnooze(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		var in struct {
			Until    int64 `json:"until"`
			Tomorrow bool  `json:"tomorrow"`
		}
		if err := httpapi.Decode(r, &in); err != nil {
			return Conversation{}, err
		}
		if in.Tomorrow {
			in.Until = NextMorning(time.Now())
		}
		return h.Actions.Snooze(r.Context(), p.Scope, id, in.Until)
	})(w, r, p)
}

func (h *labelHandlers) httpUnsnooze(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		return h.Actions.Unsnooze(r.Context(), p.Scope, id)
	})(w, r, p)
}
