package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// pendingTTL bounds the window between the password and the TOTP code.
const pendingTTL = 10 * time.Minute

// LoginResult is a new session: the cookie value and whether a second
// factor is still due.
type LoginResult struct {
	Token      string
	MFAPending bool
	User       User
}

// Login checks a password and opens a session. Failures are throttled per
// (login, address) with growing waits and per address (throttle.go); the
// throttle is checked before the password so a waiting pair cannot probe.
func (s *Service) Login(ctx context.Context, login, password, ip, userAgent string) (LoginResult, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	if err := s.checkThrottle(ctx, login, ip); err != nil {
		return LoginResult{}, err
	}
	rec, err := s.users.AuthByLogin(ctx, login)
	if errors.Is(err, db.ErrNotFound) {
		VerifyPassword(password, s.dummyHash)
		s.recordFailure(ctx, login, ip)
		return LoginResult{}, ErrBadCredentials
	}
	if err != nil {
		return LoginResult{}, err
	}
	if !VerifyPassword(password, rec.PasswordHash) || rec.Disabled {
		wait := s.recordFailure(ctx, login, ip)
		s.log.Warn("login failed", "login", login, "ip", ip, "disabled", rec.Disabled, "next_attempt_in", wait)
		return LoginResult{}, ErrBadCredentials
	}
	s.clearFailures(ctx, login, ip)

	required, err := s.TOTPRequired(ctx, rec.Role)
	if err != nil {
		return LoginResult{}, err
	}
	pending := rec.TOTPEnabled || required
	token, err := s.createSession(ctx, rec.ID, pending, ip, userAgent)
	if err != nil {
		return LoginResult{}, err
	}
	s.log.Info("login", "login", login, "ip", ip, "mfa_pending", pending)
	return LoginResult{Token: token, MFAPending: pending, User: rec.User}, nil
}

func (s *Service) createSession(ctx context.Context, userID string, pending bool, ip, ua string) (string, error) {
	token := randomToken()
	now := time.Now()
	ttl := s.ttl
	if pending {
		ttl = pendingTTL
	}
	if len(ua) > 300 {
		ua = ua[:300]
	}
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO sessions (id_hash, user_id, csrf_token, mfa_pending, ip, user_agent, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)`,
		hashToken(token), userID, randomToken(), pending, ip, ua, now.UnixMilli(), now.Add(ttl).UnixMilli())
	if err != nil {
		return "", fmt.Errorf("auth: create session: %w", err)
	}
	return token, nil
}

// sessionGrant is a session with what Session checks, read with its user
// in one query.
var sessionGrant = Grant{Table: "sessions", Key: "id_hash", Columns: "g.csrf_token, g.mfa_pending, g.last_seen_at, g.expires_at"}

// Session resolves a session cookie. Expired sessions, sessions of disabled
// users and unknown tokens all give ErrNoSession. Activity slides the expiry,
// written at most once a minute to keep reads cheap.
func (s *Service) Session(ctx context.Context, token, ip string) (*Principal, error) {
	if token == "" || len(token) > 100 {
		return nil, ErrNoSession
	}
	h := hashToken(token)
	var csrf string
	var pending bool
	var lastSeen, expires int64
	u, err := s.users.UserByGrant(ctx, sessionGrant, h, &csrf, &pending, &lastSeen, &expires)
	if errors.Is(err, db.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		// An unreachable database is not "signed out": the caller must
		// hear "try again", and the cookie must be kept.
		return nil, fmt.Errorf("auth: session: %w", err)
	}
	now := time.Now()
	if now.UnixMilli() >= expires {
		_, _ = s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, h)
		return nil, ErrNoSession
	}
	if u.Disabled {
		return nil, ErrNoSession
	}
	if !pending && now.UnixMilli()-lastSeen > time.Minute.Milliseconds() {
		_, _ = s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id_hash = $1`,
			h, now.UnixMilli(), now.Add(s.ttl).UnixMilli())
	}
	return &Principal{User: u, Scope: u.Scope(ip), SessionHash: h, CSRFToken: csrf, MFAPending: pending}, nil
}

// Logout ends one session.
func (s *Service) Logout(ctx context.Context, p *Principal) error {
	if p == nil || p.SessionHash == "" {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, p.SessionHash)
	if err != nil {
		return fmt.Errorf("auth: logout: %w", err)
	}
	return nil
}

// completeMFA turns a pending session into a full one.
func (s *Service) completeMFA(ctx context.Context, p *Principal) error {
	now := time.Now()
	_, err := s.db.ExecContext(ctx, `UPDATE sessions SET mfa_pending = FALSE, last_seen_at = $2, expires_at = $3 WHERE id_hash = $1`,
		p.SessionHash, now.UnixMilli(), now.Add(s.ttl).UnixMilli())
	if err != nil {
		return fmt.Errorf("auth: complete second factor: %w", err)
	}
	p.MFAPending = false
	return nil
}

// ChangePassword lets a signed-in user replace their password after
// proving the old one; their other sessions end.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, oldPW, newPW string) error {
	rec, err := s.users.AuthByID(ctx, p.User.ID)
	if err != nil {
		return err
	}
	if !VerifyPassword(oldPW, rec.PasswordHash) {
		return ErrBadCredentials
	}
	hash, err := s.HashPassword(newPW)
	if err != nil {
		return err
	}
	return s.users.SetPasswordHash(ctx, p.Scope, p.User.ID, hash, p.SessionHash)
}

// PurgeExpired deletes sessions past their expiry; run periodically.
func (s *Service) PurgeExpired(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, db.Now())
	if err != nil {
		return 0, fmt.Errorf("auth: purge sessions: %w", err)
	}
	return res.RowsAffected()
}
