package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// tokenPrefix marks profhub API tokens, so secret scanners and people can
// recognise a leaked one.
const tokenPrefix = "phk_"

// APIToken describes a token without its secret.
type APIToken struct {
	ID         string    `json:"id"`
	UserID     string    `json:"user_id"`
	Name       string    `json:"name"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// CreateToken issues a Bearer token for userID, which sc must be allowed to
// manage (or be). The secret is returned once and stored only as a hash.
// ttl 0 means no expiry.
func (s *Service) CreateToken(ctx context.Context, sc access.Scope, userID, name string, ttl time.Duration) (string, APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", APIToken{}, valid.Errorf("name", "token_name", "token name must have 1 to 100 characters")
	}
	if sc.UserID != userID {
		if err := sc.Require(access.ManageUsers); err != nil {
			return "", APIToken{}, err
		}
	}
	u, err := s.users.GetUser(ctx, sc, userID)
	if err != nil {
		return "", APIToken{}, err
	}
	secret := tokenPrefix + randomToken()
	now := time.Now()
	t := APIToken{ID: uuid.Must(uuid.NewV7()).String(), UserID: u.ID, Name: name, CreatedAt: now}
	var expires int64
	if ttl > 0 {
		t.ExpiresAt = now.Add(ttl)
		expires = t.ExpiresAt.UnixMilli()
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			t.ID, u.ID, name, hashToken(secret), now.UnixMilli(), expires); err != nil {
			return fmt.Errorf("auth: create token: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "token.create", ObjectType: "user", ObjectID: u.ID, UnitID: u.UnitID,
			Details: map[string]any{"token_id": t.ID, "name": name}})
	})
	return secret, t, err
}

// RevokeToken ends a token.
func (s *Service) RevokeToken(ctx context.Context, sc access.Scope, tokenID string) error {
	var userID string
	err := s.db.QueryRowContext(ctx, `SELECT user_id FROM api_tokens WHERE id = $1 AND revoked_at = 0`, tokenID).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("auth: token %s: %w", tokenID, db.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("auth: revoke token: %w", err)
	}
	if sc.UserID != userID {
		if err := sc.Require(access.ManageUsers); err != nil {
			return err
		}
	}
	u, err := s.users.GetUser(ctx, sc, userID)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE id = $1`, tokenID, db.Now()); err != nil {
			return fmt.Errorf("auth: revoke token: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "token.revoke", ObjectType: "user", ObjectID: u.ID, UnitID: u.UnitID,
			Details: map[string]any{"token_id": tokenID}})
	})
}

// ListTokens lists a user's live tokens.
func (s *Service) ListTokens(ctx context.Context, sc access.Scope, userID string) ([]APIToken, error) {
	if sc.UserID != userID {
		if err := sc.Require(access.ManageUsers); err != nil {
			return nil, err
		}
	}
	if _, err := s.users.GetUser(ctx, sc, userID); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, user_id, name, created_at, last_used_at, expires_at FROM api_tokens
		WHERE user_id = $1 AND revoked_at = 0 ORDER BY created_at`, userID)
	if err != nil {
		return nil, fmt.Errorf("auth: list tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var c, l, e int64
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &c, &l, &e); err != nil {
			return nil, fmt.Errorf("auth: list tokens: %w", err)
		}
		t.CreatedAt = db.Time(c)
		if l > 0 {
			t.LastUsedAt = db.Time(l)
		}
		if e > 0 {
			t.ExpiresAt = db.Time(e)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// tokenGrant is a live API token with what Bearer checks, read with its
// user in one query.
var tokenGrant = Grant{Table: "api_tokens", Key: "token_hash", Columns: "g.id, g.expires_at, g.last_used_at", Where: "g.revoked_at = 0"}

// Bearer resolves an API token. Tokens of disabled users, revoked and
// expired tokens are refused like unknown ones.
func (s *Service) Bearer(ctx context.Context, secret, ip string) (*Principal, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return nil, ErrNoSession
	}
	var id string
	var expires, lastUsed int64
	u, err := s.users.UserByGrant(ctx, tokenGrant, hashToken(secret), &id, &expires, &lastUsed)
	if errors.Is(err, db.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("auth: token: %w", err) // an outage is not a wrong token
	}
	now := db.Now()
	if (expires > 0 && now >= expires) || u.Disabled {
		return nil, ErrNoSession
	}
	if now-lastUsed > time.Minute.Milliseconds() {
		s.uses.note(id, now) // written by FlushTokenUses (token_use.go)
	}
	return &Principal{User: u, Scope: u.Scope(ip), ViaToken: true}, nil
}
