package web

import (
	"net/http"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/org"
)

// adminUser is pageUser for the administration pages: other roles get 403.
func (s *Server) adminUser(w http.ResponseWriter, r *http.Request, perm access.Permission) *auth.Principal {
	p := s.pageUser(w, r)
	if p == nil {
		return nil
	}
	if err := p.Scope.Require(perm); err != nil {
		s.pageError(w, r, err)
		return nil
	}
	return p
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) {
	p := s.adminUser(w, r, access.ManageUsers)
	if p == nil {
		return
	}
	q := r.URL.Query()
	f := org.UserFilter{Query: q.Get("q"), Role: access.Role(q.Get("role")), IncludeDisabled: q.Get("disabled") == "1", Limit: 500}
	users, err := s.Org.ListUsers(r.Context(), p.Scope, f)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	units, err := s.Org.ListUnits(r.Context(), p.Scope, "")
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := s.newView(r, "title.users", "settings")
	v.Data = map[string]any{"Users": users, "Units": units, "Roles": access.Roles,
		"Query": f.Query, "Role": string(f.Role), "IncludeDisabled": f.IncludeDisabled}
	s.render(w, r, http.StatusOK, "users", v)
}

// createUser makes the account with a random one-time password, shown once
// to the administrator to hand over; the user changes it on the profile page.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	p := s.adminUser(w, r, access.ManageUsers)
	if p == nil {
		return
	}
	pw := auth.RandomPassword()
	hash, err := s.Auth.HashPassword(pw)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	u, err := s.Org.CreateUser(r.Context(), p.Scope, org.NewUser{
		Login: r.PostFormValue("login"), FullName: r.PostFormValue("full_name"), Email: r.PostFormValue("email"),
		Role: access.Role(r.PostFormValue("role")), UnitID: r.PostFormValue("unit_id"), Lang: r.PostFormValue("lang"),
		PasswordHash: hash,
	})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.showSecret(w, r, "users.created_heading", "users.created_note", u.Login+" / "+pw, "/admin/users/"+u.ID)
}

func (s *Server) showSecret(w http.ResponseWriter, r *http.Request, heading, note, secret, back string) {
	v := s.newView(r, heading, "settings")
	v.Data = map[string]string{"Heading": heading, "Note": note, "Secret": secret, "Back": back}
	s.render(w, r, http.StatusOK, "secret", v)
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request) {
	p := s.adminUser(w, r, access.ManageUsers)
	if p == nil {
		return
	}
	u, err := s.Org.GetUser(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	units, err := s.Org.ListUnits(r.Context(), p.Scope, "")
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := s.newView(r, "title.users", "settings")
	v.Data = map[string]any{"Target": u, "Units": units, "Roles": access.Roles}
	s.render(w, r, http.StatusOK, "user", v)
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) {
	p := s.adminUser(w, r, access.ManageUsers)
	if p == nil {
		return
	}
	name, email, lang, unit := r.PostFormValue("full_name"), r.PostFormValue("email"), r.PostFormValue("lang"), r.PostFormValue("unit_id")
	role := access.Role(r.PostFormValue("role"))
	id := r.PathValue("id")
	if _, err := s.Org.UpdateUser(r.Context(), p.Scope, id, org.UserChanges{FullName: &name, Email: &email, Lang: &lang, UnitID: &unit, Role: &role}); err != nil {
		s.pageError(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin/users/"+id, "saved")
}

func (s *Server) setUserDisabled(disabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := s.adminUser(w, r, access.ManageUsers)
		if p == nil {
			return
		}
		id := r.PathValue("id")
		if err := s.Org.SetDisabled(r.Context(), p.Scope, id, disabled); err != nil {
			s.pageError(w, r, err)
			return
		}
		redirectFlash(w, r, "/admin/users/"+id, "saved")
	}
}

func (s *Server) resetUserPassword(w http.ResponseWriter, r *http.Request) {
	p := s.adminUser(w, r, access.ManageUsers)
	if p == nil {
		return
	}
	id := r.PathValue("id")
	u, err := s.Org.GetUser(r.Context(), p.Scope, id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	pw := auth.RandomPassword()
	hash, err := s.Auth.HashPassword(pw)
	if err == nil {
		err = s.Org.SetPasswordHash(r.Context(), p.Scope, id, hash, "")
	}
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.showSecret(w, r, "users.reset_heading", "users.created_note", u.Login+" / "+pw, "/admin/users/"+id)
}

func (s *Server) resetUserTOTP(w http.ResponseWriter, r *http.Request) {
	p := s.adminUser(w, r, access.ManageUsers)
	if p == nil {
		return
	}
	id := r.PathValue("id")
	if err := s.Auth.DisableTOTP(r.Context(), p.Scope, id); err != nil {
		s.pageError(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin/users/"+id, "saved")
}
