// Package auth signs staff in and out: argon2id passwords, server-side
// sessions, API tokens, TOTP second factor and login throttling. It turns a
// request's credentials into a Principal whose access.Scope the stores
// apply.
package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/kv"
)

// Errors of signing in. ErrBadCredentials deliberately does not say whether
// the login exists.
var (
	ErrBadCredentials = errors.New("wrong login or password")
	ErrThrottled      = errors.New("too many failed attempts")
	ErrBadCode        = errors.New("wrong or already used code")
	ErrNoSession      = errors.New("not signed in")
)

// ThrottledError carries how long to wait.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string { return ErrThrottled.Error() }
func (e *ThrottledError) Unwrap() error { return ErrThrottled }

// Deps is what the service needs from the hub.
type Deps struct {
	DB    *db.DB     // sessions and API tokens
	KV    *kv.Client // login throttling; nil for command-line tools that do not sign in
	Users Users      // the staff directory (org's store)
	Log   *slog.Logger
	// Params are the argon2id costs of new hashes.
	Params PasswordParams
	// SessionTTL is the idle lifetime of a session.
	SessionTTL time.Duration
	// Box seals TOTP secrets (totp_seal.go). Without one, enrolment is
	// refused and only plain secrets can be checked.
	Box *secretbox.Box
}

// Service holds what signing in needs.
type Service struct {
	db        *db.DB
	kv        *kv.Client
	users     Users
	log       *slog.Logger
	params    PasswordParams
	ttl       time.Duration
	dummyHash string         // verified against when the login is unknown, so timing says nothing
	box       *secretbox.Box // seals TOTP secrets (totp_seal.go)
	uses      tokenUses      // API token uses not yet written (token_use.go)
}

// NewService builds the service.
func NewService(d Deps) *Service {
	dummy, _ := HashPassword(RandomPassword(), d.Params)
	return &Service{db: d.DB, kv: d.KV, users: d.Users, log: d.Log, params: d.Params, ttl: d.SessionTTL, dummyHash: dummy, box: d.Box}
}

// HashPassword hashes with the service's parameters after a strength check.
func (s *Service) HashPassword(pw string) (string, error) {
	if err := CheckPasswordStrength(pw); err != nil {
		return "", err
	}
	return HashPassword(pw, s.params)
}

// Principal is the authenticated caller of a request.
type Principal struct {
	User        User
	Scope       access.Scope
	SessionHash string // empty for API tokens
	CSRFToken   string
	ViaToken    bool
	// MFAPending: the password was right but a TOTP code (or enrolment,
	// when policy demands it) is still due; nothing else is allowed.
	MFAPending bool
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

type principalKey struct{}

// WithPrincipal stores p in ctx.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the request's principal, or nil.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
