package orgapi

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/org"
)

// userHandlers answer the staff accounts' API.
type userHandlers struct {
	users     *org.Store
	passwords Passwords
}

type userInput struct {
	Login    string       `json:"login"`
	FullName *string      `json:"full_name"`
	Email    *string      `json:"email"`
	Role     *access.Role `json:"role"`
	UnitID   *string      `json:"unit_id"`
	Lang     *string      `json:"lang"`
	Password string       `json:"password"`
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func (h userHandlers) httpListUsers(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	limit, err := httpapi.IntQuery(r, "limit", 100)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	offset, err := httpapi.IntQuery(r, "offset", 0)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	users, err := h.users.ListUsers(r.Context(), p.Scope, org.UserFilter{Query: q.Get("q"), Role: access.Role(q.Get("role")),
		UnitID: q.Get("unit_id"), IncludeDisabled: q.Get("include_disabled") == "true", Limit: limit, Offset: offset})
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"users": nonNil(users)})
}

func (h userHandlers) httpGetUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	u, err := h.users.GetUser(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, u)
}

func (h userHandlers) httpCreateUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in userInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if err := p.Scope.Require(access.ManageUsers); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	hash, err := h.passwords.HashPassword(in.Password)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	u, err := h.users.CreateUser(r.Context(), p.Scope, org.NewUser{Login: in.Login, FullName: deref(in.FullName), Email: deref(in.Email),
		Role: deref(in.Role), UnitID: deref(in.UnitID), Lang: deref(in.Lang), PasswordHash: hash})
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, u)
}

func (h userHandlers) httpUpdateUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in userInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if in.Login != "" || in.Password != "" {
		httpapi.Error(w, r, valid.Errorf("", "immutable", "login and password cannot be changed here"))
		return
	}
	u, err := h.users.UpdateUser(r.Context(), p.Scope, r.PathValue("id"), org.UserChanges{FullName: in.FullName, Email: in.Email,
		Role: in.Role, UnitID: in.UnitID, Lang: in.Lang})
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, u)
}

func (h userHandlers) httpSetDisabled(disabled bool) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		id := r.PathValue("id")
		if err := h.users.SetDisabled(r.Context(), p.Scope, id, disabled); err != nil {
			httpapi.Error(w, r, err)
			return
		}
		u, err := h.users.GetUser(r.Context(), p.Scope, id)
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, u)
	}
}
