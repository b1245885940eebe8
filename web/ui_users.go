package web

import (
	"context"
	"net/http"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/org"
)

// userPages are the administration of staff accounts.
type userPages struct {
	ui    *pages
	users userDirectory
	auth  interface {
		HashPassword(pw string) (string, error)
		DisableTOTP(ctx context.Context, sc access.Scope, userID string) error
	}
}

// userDirectory is what the users' pages ask of org's directory.
type userDirectory interface {
	ListUsers(ctx context.Context, sc access.Scope, f org.UserFilter) ([]org.User, error)
	GetUser(ctx context.Context, sc access.Scope, id string) (org.User, error)
	CreateUser(ctx context.Context, sc access.Scope, n org.NewUser) (org.User, error)
	UpdateUser(ctx context.Context, sc access.Scope, id string, ch org.UserChanges) (org.User, error)
	SetDisabled(ctx context.Context, sc access.Scope, id string, disabled bool) error
	SetPasswordHash(ctx context.Context, sc access.Scope, id, hash, keepSessionHash string) error
	ListUnits(ctx context.Context, sc access.Scope, query string) ([]org.Unit, error)
}

func (h userPages) list(w http.ResponseWriter, r *http.Request) {
	p := h.ui.admin(w, r, access.ManageUsers)
	if p == nil {
		return
	}
	q := r.URL.Query()
	f := org.UserFilter{Query: q.Get("q"), Role: access.Role(q.Get("role")), IncludeDisabled: q.Get("disabled") == "1", Limit: 500}
	users, err := h.users.ListUsers(r.Context(), p.Scope, f)
	if err != nil {
		h.ui.fail(w, r, err)
		return
	}
	units, err := h.users.ListUnits(r.Context(), p.Scope, "")
	if err != nil {
		h.ui.fail(w, r, err)
		return
	}
	v := h.ui.view(r, "title.users", "settings")
	v.Data = map[string]any{"Users": users, "Units": units, "Roles": access.Roles,
		"Query": f.Query, "Role": string(f.Role), "IncludeDisabled": f.IncludeDisabled}
	h.ui.render(w, r, http.StatusOK, "users", v)
}

// createUser makes the account with a random one-time password, shown once
// to the administrator to hand over; the user changes it on the profile page.
func (h userPages) create(w http.ResponseWriter, r *http.Request) {
	p := h.ui.admin(w, r, access.ManageUsers)
	if p == nil {
		return
	}
	pw := auth.RandomPassword()
	hash, err := h.auth.HashPassword(pw)
	if err != nil {
		h.ui.fail(w, r, err)
		return
	}
	u, err := h.users.CreateUser(r.Context(), p.Scope, org.NewUser{
		Login: r.PostFormValue("login"), FullName: r.PostFormValue("full_name"), Email: r.PostFormValue("email"),
		Role: access.Role(r.PostFormValue("role")), UnitID: r.PostFormValue("unit_id"), Lang: r.PostFormValue("lang"),
		PasswordHash: hash,
	})
	if err != nil {
		h.ui.fail(w, r, err)
		return
	}
	h.ui.secret(w, r, "users.created_heading", "users.created_note", u.Login+" / "+pw, "/admin/users/"+u.ID)
}

func (h userPages) user(w http.ResponseWriter, r *http.Request) {
	p := h.ui.admin(w, r, access.ManageUsers)
	if p == nil {
		return
	}
	u, err := h.users.GetUser(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		h.ui.fail(w, r, err)
		return
	}
	units, err := h.users.ListUnits(r.Context(), p.Scope, "")
	if err != nil {
		h.ui.fail(w, r, err)
		return
	}
	v := h.ui.view(r, "title.users", "settings")
	v.Data = map[string]any{"Target": u, "Units": units, "Roles": access.Roles}
	h.ui.render(w, r, http.StatusOK, "user", v)
}

func (h userPages) update(w http.ResponseWriter, r *http.Request) {
	p := h.ui.admin(w, r, access.ManageUsers)
	if p == nil {
		return
	}
	name, email, lang, unit := r.PostFormValue("full_name"), r.PostFormValue("email"), r.PostFormValue("lang"), r.PostFormValue("unit_id")
	role := access.Role(r.PostFormValue("role"))
	id := r.PathValue("id")
	if _, err := h.users.UpdateUser(r.Context(), p.Scope, id, org.UserChanges{FullName: &name, Email: &email, Lang: &lang, UnitID: &unit, Role: &role}); err != nil {
		h.ui.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin/users/"+id, "saved")
}

func (h userPages) setDisabled(disabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := h.ui.admin(w, r, access.ManageUsers)
		if p == nil {
			return
		}
		id := r.PathValue("id")
		if err := h.users.SetDisabled(r.Context(), p.Scope, id, disabled); err != nil {
			h.ui.fail(w, r, err)
			return
		}
		redirectFlash(w, r, "/admin/users/"+id, "saved")
	}
}

func (h userPages) resetPassword(w http.ResponseWriter, r *http.Request) {
	p := h.ui.admin(w, r, access.ManageUsers)
	if p == nil {
		return
	}
	id := r.PathValue("id")
	u, err := h.users.GetUser(r.Context(), p.Scope, id)
	if err != nil {
		h.ui.fail(w, r, err)
		return
	}
	pw := auth.RandomPassword()
	hash, err := h.auth.HashPassword(pw)
	if err == nil {
		err = h.users.SetPasswordHash(r.Context(), p.Scope, id, hash, "")
	}
	if err != nil {
		h.ui.fail(w, r, err)
		return
	}
	h.ui.secret(w, r, "users.reset_heading", "users.created_note", u.Login+" / "+pw, "/admin/users/"+id)
}

func (h userPages) resetTOTP(w http.ResponseWriter, r *http.Request) {
	p := h.ui.admin(w, r, access.ManageUsers)
	if p == nil {
		return
	}
	id := r.PathValue("id")
	if err := h.auth.DisableTOTP(r.Context(), p.Scope, id); err != nil {
		h.ui.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin/users/"+id, "saved")
}
