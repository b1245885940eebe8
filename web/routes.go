package web

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
)

// Routes adds the web layer's endpoints to mux. This is the table of
// contents of the shell UI and the directory API.
func (s *Server) Routes(mux *http.ServeMux) {
	a := httpapi.Authed

	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.publicMetrics())
	mux.Handle("GET /static/", staticAssets.handler())
	mux.Handle("GET /favicon.ico", http.RedirectHandler("/static/favicon.svg", http.StatusMovedPermanently))

	// Sign-in.
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("GET /login/totp", s.totpForm)
	mux.HandleFunc("POST /login/totp", s.totpVerify)
	mux.HandleFunc("GET /login/totp/enrol", s.enrolForm)
	mux.HandleFunc("POST /login/totp/enrol", s.enrolConfirm)
	mux.HandleFunc("POST /logout", s.logout)

	// Pages.
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /inbox", s.inboxPage)
	mux.HandleFunc("GET /inbox/supervisor", s.supervisorPage)
	mux.HandleFunc("GET /settings/lines", s.linesPage)
	mux.HandleFunc("GET /inbox/stats", s.statsPage)
	mux.HandleFunc("GET /inbox/quick-answers", s.quickAnswersPage)
	mux.HandleFunc("GET /inbox/calls", s.callsPage)
	mux.HandleFunc("GET /documents", s.documentsPage)
	mux.HandleFunc("GET /members", s.membersPage)
	mux.HandleFunc("GET /members/import", s.importPage)
	mux.HandleFunc("GET /appeals", s.appealsPage)
	mux.HandleFunc("GET /mailings", s.mailingsPage)
	mux.HandleFunc("GET /organisations/{id}", s.organisationPage)
	mux.HandleFunc("GET /lists", s.listsPage)
	mux.HandleFunc("GET /settings", s.settingsPage)
	mux.HandleFunc("GET /profile", s.profilePage)
	mux.HandleFunc("POST /profile", s.updateProfile)
	mux.HandleFunc("POST /profile/password", s.changePassword)
	mux.HandleFunc("POST /profile/avatar", s.uploadOwnAvatar)
	mux.HandleFunc("POST /profile/avatar/remove", s.removeOwnAvatar)
	mux.HandleFunc("GET /profile/totp", s.enrolForm)
	mux.HandleFunc("POST /profile/totp", s.enrolConfirm)
	mux.HandleFunc("POST /profile/totp/disable", s.disableOwnTOTP)
	mux.HandleFunc("POST /profile/tokens", s.createOwnToken)
	mux.HandleFunc("POST /profile/tokens/{id}/revoke", s.revokeOwnToken)
	mux.HandleFunc("GET /admin/users", s.usersPage)
	mux.HandleFunc("POST /admin/users", s.createUser)
	mux.HandleFunc("GET /admin/users/{id}", s.userPage)
	mux.HandleFunc("POST /admin/users/{id}", s.updateUser)
	mux.HandleFunc("POST /admin/users/{id}/disable", s.setUserDisabled(true))
	mux.HandleFunc("POST /admin/users/{id}/enable", s.setUserDisabled(false))
	mux.HandleFunc("POST /admin/users/{id}/password", s.resetUserPassword)
	mux.HandleFunc("POST /admin/users/{id}/totp-reset", s.resetUserTOTP)
	mux.HandleFunc("GET /admin/units", s.unitsPage)
	mux.HandleFunc("POST /admin/units", s.createUnit)
	mux.HandleFunc("POST /admin/units/{id}", s.updateUnit)
	mux.HandleFunc("POST /admin/units/{id}/move", s.moveUnit)
	mux.HandleFunc("GET /admin/audit", s.auditPage)
	mux.HandleFunc("GET /admin/security", s.securityPage)
	mux.HandleFunc("POST /admin/security/totp", s.setTOTPPolicy)

	// JSON API (docs/API.md).
	mux.HandleFunc("GET /api/v1/me", a(s.apiMe))
	mux.HandleFunc("GET /api/v1/units", a(s.apiListUnits))
	mux.HandleFunc("POST /api/v1/units", a(s.apiCreateUnit))
	mux.HandleFunc("GET /api/v1/units/{id}", a(s.apiGetUnit))
	mux.HandleFunc("PATCH /api/v1/units/{id}", a(s.apiUpdateUnit))
	mux.HandleFunc("GET /api/v1/users", a(s.apiListUsers))
	mux.HandleFunc("POST /api/v1/users", a(s.apiCreateUser))
	mux.HandleFunc("GET /api/v1/users/{id}", a(s.apiGetUser))
	mux.HandleFunc("GET /api/v1/users/{id}/avatar", a(s.apiAvatar))
	mux.HandleFunc("PUT /api/v1/users/{id}/avatar", a(s.apiPutAvatar))
	mux.HandleFunc("DELETE /api/v1/users/{id}/avatar", a(s.apiDeleteAvatar))
	mux.HandleFunc("PATCH /api/v1/users/{id}", a(s.apiUpdateUser))
	mux.HandleFunc("POST /api/v1/users/{id}/disable", a(s.apiSetUserDisabled(true)))
	mux.HandleFunc("POST /api/v1/users/{id}/enable", a(s.apiSetUserDisabled(false)))
	mux.HandleFunc("GET /api/v1/audit", a(s.apiAudit))
	mux.HandleFunc("GET /api/v1/tokens", a(s.apiListTokens))
	mux.HandleFunc("POST /api/v1/tokens", a(s.apiCreateToken))
	mux.HandleFunc("DELETE /api/v1/tokens/{id}", a(s.apiRevokeToken))
}
