package notify

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// The Web Push API (docs/API.md, "Notifications"): the VAPID key a browser
// subscribes with, and the caller's subscriptions.
func (s *Service) pushRoutes(mux *http.ServeMux) {
	h := handlers{s}
	a := httpapi.Authed
	const p = "/api/v1/notifications/push"
	mux.HandleFunc("GET "+p+"/key", a(h.pushKey))
	mux.HandleFunc("GET "+p+"/subscriptions", a(h.subscriptions))
	mux.HandleFunc("POST "+p+"/subscriptions", a(h.subscribe))
	mux.HandleFunc("DELETE "+p+"/subscriptions", a(h.unsubscribe))
}

// pushKey answers the VAPID public key, or enabled false when this node
// has no push (its keys could not be read).
func (h handlers) pushKey(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	if h.s.deps.Push == nil {
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"enabled": false})
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"enabled": true, "public_key": h.s.deps.Push.PublicKey()})
}

func (h handlers) subscriptions(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	subs, err := h.s.Subscriptions(r.Context(), p.Scope)
	answer(w, r, map[string]any{"subscriptions": subs}, err)
}

// subscribe takes a PushSubscription as the browser's toJSON() gives it.
func (h handlers) subscribe(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Endpoint string `json:"endpoint"`
		Keys     struct {
			P256dh string `json:"p256dh"`
			Auth   string `json:"auth"`
		} `json:"keys"`
		ExpirationTime *int64 `json:"expirationTime"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	sub, err := h.s.Subscribe(r.Context(), p.Scope, PushSubscription{Endpoint: in.Endpoint, P256dh: in.Keys.P256dh, Auth: in.Keys.Auth},
		r.UserAgent())
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"subscription": sub})
}

func (h handlers) unsubscribe(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Endpoint string `json:"endpoint"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if err := h.s.Unsubscribe(r.Context(), p.Scope, in.Endpoint); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
