package inbox

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// channelHandlers serve the channels registry.
type channelHandlers struct{ Channels *Channels }

func (h *channelHandlers) httpListChannels(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	chs, err := h.Channels.List(r.Context(), p.Scope)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"channels": chs})
}

func (h *channelHandlers) httpCreateChannel(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var n NewChannel
	if err := httpapi.Decode(r, &n); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	ch, token, err := h.Channels.Create(r.Context(), p.Scope, n)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	out := map[string]any{"channel": ch}
	if token != "" {
		out["token"] = token
		out["webhook_secret"] = ch.Secrets["webhook_secret"]
		out["inbound_url"] = "/hooks/api/" + ch.ID + "/messages"
	}
	httpapi.WriteJSON(w, http.StatusCreated, out)
}

func (h *channelHandlers) httpSetChannelDisabled(disabled bool) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		if err := h.Channels.SetDisabled(r.Context(), p.Scope, r.PathValue("id"), disabled); err != nil {
			httpapi.Error(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func (h *channelHandlers) httpWebhookSecret(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	s, err := h.Channels.WebhookSecret(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"webhook_secret": s})
}

func (h *channelHandlers) httpUpdateChannel(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in ChannelChanges
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	ch, err := h.Channels.Update(r.Context(), p.Scope, r.PathValue("id"), in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, ch)
}

func (h *channelHandlers) httpChannelStatus(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	s, err := h.Channels.Status(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, s)
}
