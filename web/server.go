// Package web is the hub's HTTP front: the middleware every request passes
// (request ids, logging, metrics, limits, security headers, sign-in, CSRF),
// the health endpoints, and the staff UI shell (sign-in, navigation, users
// and units administration, audit, profile, the pages the domains' scripts
// fill). Domain packages add their own routes to the same mux; the staff
// directory's API is org/orgapi.
//
// Where things are: routes.go is the table of contents; the chain is
// middleware.go (sessions.go for the cookie), rendering render.go (with
// assets.go and i18n), health and metrics health.go; each page area is a
// small type in its ui_*.go file, the account API api_account.go.
package web

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/kv"
)

// Deps is what the web layer needs from the hub.
type Deps struct {
	Config    *config.Config
	DB        *db.DB
	KV        *kv.Client
	Auth      *auth.Service
	Directory Directory // org's units and users (org.Store)
	Avatars   Avatars   // users' photos (org.Avatars)
	Log       *slog.Logger
	Metrics   *prometheus.Registry
	Version   string
	// LargeBodies raises the body limit for path prefixes that take uploads
	// or provider webhooks with files.
	LargeBodies map[string]int64
}

// Directory is what the administration and profile pages need of org's
// directory; org.Store satisfies it.
type Directory interface {
	unitTree
	userDirectory
}

// Server holds the middleware chain and the handlers of every page area;
// Routes (routes.go) mounts them.
type Server struct {
	cfg     *config.Config
	metrics *prometheus.Registry
	chain   *chain
	probes  probes

	signIn   signInPages
	shell    shellPages
	profile  profilePages
	users    userPages
	units    unitPages
	admin    adminPages
	inbox    inboxPages
	crm      crmPages
	docs     documentsPages
	mailings mailingsPages
	staff    staffPages
	calendar calendarPages
	feed     feedPages
	account  accountAPI
	pwa      pwaPages
}

// New prepares templates and metrics and builds each area's handlers over
// only the services it uses.
func New(d Deps) (*Server, error) {
	ui, err := loadPages(d.Config.Zone())
	if err != nil {
		return nil, err
	}
	sess := &sessions{cfg: d.Config}
	trail := auditTrail{db: d.DB}
	return &Server{
		cfg: d.Config, metrics: d.Metrics, chain: newChain(d, ui, sess),
		probes:   probes{db: d.DB, kv: d.KV, log: d.Log},
		signIn:   signInPages{ui: ui, auth: d.Auth, sessions: sess},
		shell:    shellPages{ui: ui},
		pwa:      pwaPages{ui: ui},
		profile:  profilePages{ui: ui, auth: d.Auth, users: d.Directory, avatars: d.Avatars},
		users:    userPages{ui: ui, users: d.Directory, auth: d.Auth},
		units:    unitPages{ui: ui, units: d.Directory},
		admin:    adminPages{ui: ui, trail: trail, auth: d.Auth},
		inbox:    inboxPages{ui: ui},
		crm:      crmPages{ui: ui},
		docs:     documentsPages{ui: ui},
		mailings: mailingsPages{ui: ui},
		staff:    staffPages{ui: ui},
		calendar: calendarPages{ui: ui},
		feed:     feedPages{ui: ui},
		account:  accountAPI{tokens: d.Auth, trail: trail},
	}, nil
}

// auditLog reads the audit trail in the caller's scope.
type auditLog interface {
	List(ctx context.Context, sc access.Scope, f audit.Filter) ([]audit.Row, error)
}

// auditTrail is the audit trail in the hub's database.
type auditTrail struct{ db *db.DB }

func (a auditTrail) List(ctx context.Context, sc access.Scope, f audit.Filter) ([]audit.Row, error) {
	return audit.List(ctx, a.db, sc, f)
}
