package notify

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// routes are the profile's Telegram link (docs/API.md,
// "Notifications"): one's own account only.
func (s *Telegram) routes(mux *http.ServeMux) {
	h := handlers{s.svc}
	a := httpapi.Authed
	const p = "/api/v1/notifications/telegram"
	mux.HandleFunc("GET "+p, a(h.telegram))
	mux.HandleFunc("POST "+p+"/code", a(h.telegramCode))
	mux.HandleFunc("DELETE "+p, a(h.telegramUnlink))
}

func (h handlers) telegram(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	acc, err := h.s.tg.TelegramAccount(r.Context(), p.Scope)
	answer(w, r, acc, err)
}

func (h handlers) telegramCode(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	code, err := h.s.tg.CreateTelegramCode(r.Context(), p.Scope)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, code)
}

func (h handlers) telegramUnlink(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := h.s.tg.UnlinkTelegram(r.Context(), p.Scope); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	h.telegram(w, r, p)
}
