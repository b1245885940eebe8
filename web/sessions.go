package web

import (
	"net/http"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/httpapi"
)

const sessionCookie = "profhub_session"

// sessions keeps the session cookie and tells the client's address, to
// which sign-in throttling and sessions are bound.
type sessions struct{ cfg *config.Config }

func (s *sessions) setCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode})
}

func (s *sessions) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode})
}

// secureCookies tells whether cookies are sent over https only.
func (s *sessions) secureCookies() bool { return s.cfg.SecureCookies() }

// clientIP is the peer's address, or the last hop a trusted reverse proxy
// appended to X-Forwarded-For (earlier hops are the client's own claims).
func (s *sessions) clientIP(r *http.Request) string {
	return httpapi.ClientIP(r, s.cfg.TrustProxy)
}
