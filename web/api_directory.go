package web

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/org"
)

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"user": p.User, "csrf_token": p.CSRFToken})
}

func (s *Server) apiListUnits(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	units, err := s.Org.ListUnits(r.Context(), p.Scope, r.URL.Query().Get("q"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"units": nonNil(units)})
}

func (s *Server) apiGetUnit(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	u, err := s.Org.GetUnit(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, u)
}

type unitInput struct {
	ParentID string       `json:"parent_id"`
	Kind     org.UnitKind `json:"kind"`
	Name     string       `json:"name"`
}

func (s *Server) apiCreateUnit(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in unitInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if in.ParentID == "" {
		httpapi.Error(w, r, valid.Errorf("parent_id", "required", "parent_id is required"))
		return
	}
	u, err := s.Org.CreateUnit(r.Context(), p.Scope, in.ParentID, in.Kind, in.Name)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, u)
}

func (s *Server) apiUpdateUnit(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in unitInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	id := r.PathValue("id")
	var (
		u   org.Unit
		err error
	)
	if in.ParentID != "" {
		u, err = s.Org.MoveUnit(r.Context(), p.Scope, id, in.ParentID)
	}
	if err == nil && (in.Name != "" || in.Kind != "") {
		cur, gerr := s.Org.GetUnit(r.Context(), p.Scope, id)
		if gerr != nil {
			httpapi.Error(w, r, gerr)
			return
		}
		name, kind := cur.Name, cur.Kind
		if in.Name != "" {
			name = in.Name
		}
		if in.Kind != "" {
			kind = in.Kind
		}
		u, err = s.Org.UpdateUnit(r.Context(), p.Scope, id, kind, name)
	}
	if err == nil && u.ID == "" {
		u, err = s.Org.GetUnit(r.Context(), p.Scope, id)
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, u)
}

func (s *Server) apiListUsers(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
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
	users, err := s.Org.ListUsers(r.Context(), p.Scope, org.UserFilter{Query: q.Get("q"), Role: access.Role(q.Get("role")),
		UnitID: q.Get("unit_id"), IncludeDisabled: q.Get("include_disabled") == "true", Limit: limit, Offset: offset})
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"users": nonNil(users)})
}

func (s *Server) apiGetUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	u, err := s.Org.GetUser(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, u)
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

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in userInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if err := p.Scope.Require(access.ManageUsers); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	hash, err := s.Auth.HashPassword(in.Password)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	u, err := s.Org.CreateUser(r.Context(), p.Scope, org.NewUser{Login: in.Login, FullName: deref(in.FullName), Email: deref(in.Email),
		Role: deref(in.Role), UnitID: deref(in.UnitID), Lang: deref(in.Lang), PasswordHash: hash})
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, u)
}

func (s *Server) apiUpdateUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in userInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if in.Login != "" || in.Password != "" {
		httpapi.Error(w, r, valid.Errorf("", "immutable", "login and password cannot be changed here"))
		return
	}
	u, err := s.Org.UpdateUser(r.Context(), p.Scope, r.PathValue("id"), org.UserChanges{FullName: in.FullName, Email: in.Email,
		Role: in.Role, UnitID: in.UnitID, Lang: in.Lang})
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, u)
}

func (s *Server) apiSetUserDisabled(disabled bool) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		id := r.PathValue("id")
		if err := s.Org.SetDisabled(r.Context(), p.Scope, id, disabled); err != nil {
			httpapi.Error(w, r, err)
			return
		}
		u, err := s.Org.GetUser(r.Context(), p.Scope, id)
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, u)
	}
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	limit, err := httpapi.IntQuery(r, "limit", 100)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	rows, err := audit.List(r.Context(), s.DB, p.Scope, audit.Filter{ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"),
		ActorID: q.Get("actor_id"), Before: q.Get("before"), Limit: limit})
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"entries": nonNil(rows)})
}

func (s *Server) apiListTokens(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	tokens, err := s.Auth.ListTokens(r.Context(), p.Scope, p.User.ID)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"tokens": nonNil(tokens)})
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Name   string `json:"name"`
		UserID string `json:"user_id"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if in.UserID == "" {
		in.UserID = p.User.ID
	}
	secret, t, err := s.Auth.CreateToken(r.Context(), p.Scope, in.UserID, in.Name, 0)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"token": secret, "info": t})
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := s.Auth.RevokeToken(r.Context(), p.Scope, r.PathValue("id")); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// nonNil makes empty lists encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
