package web

import (
	"net/http"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/org"
)

func (s *Server) unitsPage(w http.ResponseWriter, r *http.Request) {
	p := s.adminUser(w, r, access.ManageUnits)
	if p == nil {
		return
	}
	q := r.URL.Query().Get("q")
	units, err := s.Org.ListUnits(r.Context(), p.Scope, q)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := s.newView(r, "title.units", "settings")
	v.Data = map[string]any{"Units": units, "Kinds": org.UnitKinds, "Query": q}
	s.render(w, r, http.StatusOK, "units", v)
}

func (s *Server) createUnit(w http.ResponseWriter, r *http.Request) {
	p := s.adminUser(w, r, access.ManageUnits)
	if p == nil {
		return
	}
	if _, err := s.Org.CreateUnit(r.Context(), p.Scope, r.PostFormValue("parent_id"), org.UnitKind(r.PostFormValue("kind")), r.PostFormValue("name")); err != nil {
		s.pageError(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin/units", "saved")
}

func (s *Server) updateUnit(w http.ResponseWriter, r *http.Request) {
	p := s.adminUser(w, r, access.ManageUnits)
	if p == nil {
		return
	}
	if _, err := s.Org.UpdateUnit(r.Context(), p.Scope, r.PathValue("id"), org.UnitKind(r.PostFormValue("kind")), r.PostFormValue("name")); err != nil {
		s.pageError(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin/units", "saved")
}

func (s *Server) moveUnit(w http.ResponseWriter, r *http.Request) {
	p := s.adminUser(w, r, access.ManageUnits)
	if p == nil {
		return
	}
	if _, err := s.Org.MoveUnit(r.Context(), p.Scope, r.PathValue("id"), r.PostFormValue("parent_id")); err != nil {
		s.pageError(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin/units", "saved")
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	p := s.adminUser(w, r, access.ReadAudit)
	if p == nil {
		return
	}
	const pageSize = 100
	rows, err := audit.List(r.Context(), s.DB, p.Scope, audit.Filter{Before: r.URL.Query().Get("before"), Limit: pageSize})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	next := ""
	if len(rows) == pageSize {
		next = rows[len(rows)-1].ID
	}
	v := s.newView(r, "title.audit", "settings")
	v.Data = map[string]any{"Rows": rows, "Next": next}
	s.render(w, r, http.StatusOK, "audit", v)
}

func (s *Server) securityPage(w http.ResponseWriter, r *http.Request) {
	p := s.adminUser(w, r, access.ManageSettings)
	if p == nil {
		return
	}
	required, err := s.Auth.TOTPRequiredRoles(r.Context())
	if err != nil {
		s.pageError(w, r, err)
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
	v := s.newView(r, "title.security", "settings")
	v.Data = map[string]any{"Roles": rows}
	s.render(w, r, http.StatusOK, "security", v)
}

func (s *Server) setTOTPPolicy(w http.ResponseWriter, r *http.Request) {
	p := s.adminUser(w, r, access.ManageSettings)
	if p == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, err)
		return
	}
	var roles []access.Role
	for _, name := range r.PostForm["role"] {
		roles = append(roles, access.Role(name))
	}
	if err := s.Auth.SetTOTPRequiredRoles(r.Context(), p.Scope, roles); err != nil {
		s.pageError(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin/security", "saved")
}
