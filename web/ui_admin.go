package web

import (
	"context"
	"net/http"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
)

// adminPages are the audit trail and the sign-in security policy.
type adminPages struct {
	ui    *pages
	trail auditLog
	auth  interface {
		TOTPRequiredRoles(ctx context.Context) ([]access.Role, error)
		SetTOTPRequiredRoles(ctx context.Context, sc access.Scope, roles []access.Role) error
	}
}

func (h adminPages) audit(w http.ResponseWriter, r *http.Request) {
	p := h.ui.admin(w, r, access.ReadAudit)
	if p == nil {
		return
	}
	const pageSize = 100
	rows, err := h.trail.List(r.Context(), p.Scope, audit.Filter{Before: r.URL.Query().Get("before"), Limit: pageSize})
	if err != nil {
		h.ui.fail(w, r, err)
		return
	}
	next := ""
	if len(rows) == pageSize {
		next = rows[len(rows)-1].ID
	}
	v := h.ui.view(r, "title.audit", "settings")
	v.Data = map[string]any{"Rows": rows, "Next": next}
	h.ui.render(w, r, http.StatusOK, "audit", v)
}

func (h adminPages) security(w http.ResponseWriter, r *http.Request) {
	p := h.ui.admin(w, r, access.ManageSettings)
	if p == nil {
		return
	}
	required, err := h.auth.TOTPRequiredRoles(r.Context())
	if err != nil {
		h.ui.fail(w, r, err)
		return
	}
	type roleRow struct {
		Role     access.Role
		Required bool
	}
	var rows []roleRow
	for _, role := range access.Roles {
		row := roleRow{Role: role}
		for _, q := range required {
			row.Required = row.Required || q == role
		}
		rows = append(rows, row)
	}
	v := h.ui.view(r, "title.security", "settings")
	v.Data = map[string]any{"Roles": rows}
	h.ui.render(w, r, http.StatusOK, "security", v)
}

func (h adminPages) setTOTPPolicy(w http.ResponseWriter, r *http.Request) {
	p := h.ui.admin(w, r, access.ManageSettings)
	if p == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		h.ui.fail(w, r, err)
		return
	}
	var roles []access.Role
	for _, name := range r.PostForm["role"] {
		roles = append(roles, access.Role(name))
	}
	if err := h.auth.SetTOTPRequiredRoles(r.Context(), p.Scope, roles); err != nil {
		h.ui.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin/security", "saved")
}

// webhooks are the integrations' endpoints and each one's delivery log
// (web/static/webhooks.js over the webhooks' API, which admits an
// administrator of the root unit only).
func (h adminPages) webhooks(w http.ResponseWriter, r *http.Request) {
	h.ui.script(w, r, "webhooks", "title.webhooks", "settings")
}

// help edits the public help centre (web/static/help_admin.js over the
// help centre's API, which admits help.edit); the public pages are the
// helpcentre package's own.
func (h adminPages) help(w http.ResponseWriter, r *http.Request) {
	h.ui.script(w, r, "help_admin", "title.help_admin", "help")
}
