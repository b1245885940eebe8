package web

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
)

// Routes adds the web layer's endpoints to mux. This is the table of
// contents of the shell UI: each area's handlers are one small type, named
// in server.go, in its own ui_*.go file. The staff directory's API is
// org/orgapi's.
func (s *Server) Routes(mux *http.ServeMux) {
	a := httpapi.Authed

	mux.HandleFunc("GET /healthz", s.probes.healthz)
	mux.HandleFunc("GET /readyz", s.probes.readyz)
	mux.Handle("GET /metrics", s.publicMetrics())
	mux.Handle("GET /static/", staticAssets.handler())
	mux.Handle("GET /favicon.ico", http.RedirectHandler("/static/favicon.svg", http.StatusMovedPermanently))

	// Installable on a phone: manifest, service worker, offline page (ui_pwa.go).
	mux.HandleFunc("GET /manifest.webmanifest", s.pwa.manifest)
	mux.HandleFunc("GET /sw.js", s.pwa.serviceWorker)
	mux.HandleFunc("GET /offline", s.pwa.offline)

	// Sign-in (ui_auth.go).
	in := s.signIn
	mux.HandleFunc("GET /login", in.loginForm)
	mux.HandleFunc("POST /login", in.login)
	mux.HandleFunc("GET /login/totp", in.totpForm)
	mux.HandleFunc("POST /login/totp", in.totpVerify)
	mux.HandleFunc("GET /login/totp/enrol", in.enrolForm)
	mux.HandleFunc("POST /login/totp/enrol", in.enrolConfirm)
	mux.HandleFunc("POST /logout", in.logout)

	// The shell (ui_shell.go).
	mux.HandleFunc("GET /{$}", s.shell.home)
	mux.HandleFunc("GET /settings", s.shell.settings)

	// The inbox console and its pages (ui_inbox.go).
	mux.HandleFunc("GET /inbox", s.inbox.inbox)
	mux.HandleFunc("GET /inbox/supervisor", s.inbox.supervisor)
	mux.HandleFunc("GET /settings/lines", s.inbox.lines)
	mux.HandleFunc("GET /settings/automation", s.inbox.automation)
	mux.HandleFunc("GET /inbox/stats", s.inbox.stats)
	mux.HandleFunc("GET /reports", s.inbox.reports)
	mux.HandleFunc("GET /inbox/quick-answers", s.inbox.quickAnswers)
	mux.HandleFunc("GET /inbox/calls", s.inbox.calls)

	// Documents, CRM, mailings (ui_documents.go, ui_crm.go, ui_mailings.go).
	mux.HandleFunc("GET /documents", s.docs.documents)
	mux.HandleFunc("GET /members", s.crm.members)
	mux.HandleFunc("GET /members/import", s.crm.importWizard)
	mux.HandleFunc("GET /members/duplicates", s.crm.duplicates)
	mux.HandleFunc("GET /members/merge", s.crm.merge)
	mux.HandleFunc("GET /appeals", s.crm.appeals)
	mux.HandleFunc("GET /organisations/{id}", s.crm.organisation)
	mux.HandleFunc("GET /lists", s.crm.lists)
	mux.HandleFunc("GET /admin/custom-fields", s.crm.customFields)
	mux.HandleFunc("GET /mailings", s.mailings.mailings)
	mux.HandleFunc("GET /calendar", s.calendar.calendar) // ui_calendar.go
	mux.HandleFunc("GET /feed", s.feed.feed)             // ui_feed.go

	// Staff: absences and the production calendar (ui_staff.go).
	mux.HandleFunc("GET /absences", s.staff.absences)
	mux.HandleFunc("GET /worktime", s.staff.worktime)
	mux.HandleFunc("GET /tasks", s.staff.tasks)
	mux.HandleFunc("GET /chat", s.staff.chat)
	mux.HandleFunc("GET /admin/calendar", s.staff.calendar)
	mux.HandleFunc("GET /admin/privacy", s.staff.privacy)

	// One's own profile (ui_profile.go; enrolment is sign-in's).
	pr := s.profile
	mux.HandleFunc("GET /profile", pr.page)
	mux.HandleFunc("POST /profile", pr.update)
	mux.HandleFunc("POST /profile/password", pr.changePassword)
	mux.HandleFunc("POST /profile/avatar", pr.uploadAvatar)
	mux.HandleFunc("POST /profile/avatar/remove", pr.removeAvatar)
	mux.HandleFunc("GET /profile/totp", in.enrolForm)
	mux.HandleFunc("POST /profile/totp", in.enrolConfirm)
	mux.HandleFunc("POST /profile/totp/disable", pr.disableTOTP)
	mux.HandleFunc("POST /profile/tokens", pr.createToken)
	mux.HandleFunc("POST /profile/tokens/{id}/revoke", pr.revokeToken)

	// Administration: users (ui_users.go), units (ui_units.go), audit and
	// security (ui_admin.go).
	us := s.users
	mux.HandleFunc("GET /admin/users", us.list)
	mux.HandleFunc("POST /admin/users", us.create)
	mux.HandleFunc("GET /admin/users/{id}", us.user)
	mux.HandleFunc("POST /admin/users/{id}", us.update)
	mux.HandleFunc("POST /admin/users/{id}/disable", us.setDisabled(true))
	mux.HandleFunc("POST /admin/users/{id}/enable", us.setDisabled(false))
	mux.HandleFunc("POST /admin/users/{id}/password", us.resetPassword)
	mux.HandleFunc("POST /admin/users/{id}/totp-reset", us.resetTOTP)
	mux.HandleFunc("GET /admin/units", s.units.list)
	mux.HandleFunc("POST /admin/units", s.units.create)
	mux.HandleFunc("POST /admin/units/{id}", s.units.update)
	mux.HandleFunc("POST /admin/units/{id}/move", s.units.move)
	mux.HandleFunc("GET /admin/audit", s.admin.audit)
	mux.HandleFunc("GET /admin/security", s.admin.security)
	mux.HandleFunc("POST /admin/security/totp", s.admin.setTOTPPolicy)
	mux.HandleFunc("GET /admin/webhooks", s.admin.webhooks)
	mux.HandleFunc("GET /help/admin", s.admin.help)

	// JSON API of one's account and the audit trail (api_account.go,
	// docs/API.md).
	mux.HandleFunc("GET /api/v1/me", a(s.account.me))
	mux.HandleFunc("GET /api/v1/audit", a(s.account.audit))
	mux.HandleFunc("GET /api/v1/tokens", a(s.account.listTokens))
	mux.HandleFunc("POST /api/v1/tokens", a(s.account.createToken))
	mux.HandleFunc("DELETE /api/v1/tokens/{id}", a(s.account.revokeToken))
}

// Handler wraps mux in the middleware chain (middleware.go).
func (s *Server) Handler(mux *http.ServeMux) http.Handler { return s.chain.wrap(mux) }
