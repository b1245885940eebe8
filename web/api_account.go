package web

import (
	"context"
	"net/http"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/security/auth"
)

// accountAPI is the JSON API of the caller's own session and API tokens,
// and the audit trail (docs/API.md). The directory's API (units, users,
// avatars) is org/orgapi.
type accountAPI struct {
	tokens interface {
		ListTokens(ctx context.Context, sc access.Scope, userID string) ([]auth.APIToken, error)
		CreateToken(ctx context.Context, sc access.Scope, userID, name string, ttl time.Duration) (string, auth.APIToken, error)
		RevokeToken(ctx context.Context, sc access.Scope, tokenID string) error
	}
	trail auditLog
}

func (h accountAPI) me(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"user": p.User, "csrf_token": p.CSRFToken})
}

func (h accountAPI) listTokens(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	tokens, err := h.tokens.ListTokens(r.Context(), p.Scope, p.User.ID)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"tokens": nonNil(tokens)})
}

func (h accountAPI) createToken(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
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
	secret, t, err := h.tokens.CreateToken(r.Context(), p.Scope, in.UserID, in.Name, 0)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"token": secret, "info": t})
}

func (h accountAPI) revokeToken(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := h.tokens.RevokeToken(r.Context(), p.Scope, r.PathValue("id")); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// nonNil makes empty lists encode as [] rather than null.
func (h accountAPI) audit(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	limit, err := httpapi.IntQuery(r, "limit", 100)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	rows, err := h.trail.List(r.Context(), p.Scope, audit.Filter{ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"),
		ActorID: q.Get("actor_id"), Before: q.Get("before"), Limit: limit})
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"entries": nonNil(rows)})
}

// nonNil makes empty lists encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
