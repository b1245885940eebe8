package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
)

// AuthRecord is a user with the secrets that signing in checks. Only the
// auth package asks for it, before any scope exists; the Store satisfies
// auth.Users.
type AuthRecord = auth.Credentials

var _ auth.Users = (*Store)(nil)

func (s *Store) authRecord(ctx context.Context, where string, arg string) (AuthRecord, error) {
	var r AuthRecord
	var created, updated int64
	err := s.db.QueryRowCached(ctx, `SELECT `+userColumns+`, us.password_hash, us.totp_secret`+userFrom+where, arg).
		Scan(userTargets(&r.User, &created, &updated, &r.PasswordHash, &r.TOTPSecret)...)
	if errors.Is(err, sql.ErrNoRows) {
		return AuthRecord{}, userNotFound(arg)
	}
	if err != nil {
		return AuthRecord{}, fmt.Errorf("org: auth record: %w", err)
	}
	r.CreatedAt, r.UpdatedAt = db.Time(created), db.Time(updated)
	return r, nil
}

// AuthByLogin finds a user by login name for signing in.
func (s *Store) AuthByLogin(ctx context.Context, login string) (AuthRecord, error) {
	l, err := NormalizeLogin(login)
	if err != nil {
		return AuthRecord{}, userNotFound(login)
	}
	return s.authRecord(ctx, `WHERE us.login = $1`, l)
}

// AuthByID finds a user by id for a session or token.
func (s *Store) AuthByID(ctx context.Context, id string) (AuthRecord, error) {
	return s.authRecord(ctx, `WHERE us.id = $1`, id)
}

// UserByGrant finds a session's or API token's row (auth owns the table,
// g describes it) and its user in one query: the hot path of every
// signed-in request.
func (s *Store) UserByGrant(ctx context.Context, g auth.Grant, key string, into ...any) (User, error) {
	q := `SELECT ` + userColumns + `, ` + g.Columns + ` FROM ` + g.Table + ` g
		JOIN users us ON us.id = g.user_id JOIN units un ON un.id = us.unit_id WHERE g.` + g.Key + ` = $1`
	if g.Where != "" {
		q += ` AND ` + g.Where
	}
	var u User
	var created, updated int64
	err := s.db.QueryRowCached(ctx, q, key).Scan(userTargets(&u, &created, &updated, into...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("org: %s: %w", g.Table, db.ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("org: %s and its user: %w", g.Table, err)
	}
	u.CreatedAt, u.UpdatedAt = db.Time(created), db.Time(updated)
	return u, nil
}

// SetTOTP stores a user's TOTP secret and whether it is in force. Users set
// their own; an administrator may only switch it off (to reset a lost
// phone), never plant a secret for someone else.
func (s *Store) SetTOTP(ctx context.Context, sc access.Scope, id, secret string, enabled bool) error {
	if sc.UserID != id {
		if err := sc.Require(access.ManageUsers); err != nil {
			return err
		}
		if enabled || secret != "" {
			return fmt.Errorf("%w: only the user can enrol their own authenticator", access.ErrForbidden)
		}
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		u, err := getUser(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = $2, totp_enabled = $3,
			totp_last_step = CASE WHEN $3 THEN totp_last_step ELSE 0 END, updated_at = $4 WHERE id = $1`,
			id, secret, enabled, db.Now()); err != nil {
			return fmt.Errorf("org: set totp: %w", err)
		}
		action := "user.totp_disable"
		if enabled {
			action = "user.totp_enable"
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: action, ObjectType: "user", ObjectID: id, UnitID: u.UnitID})
	})
}

// UseTOTPStep records that the code of time step `step` was used, and
// reports false when that step (or a later one) was used before: a TOTP
// code is good for one sign-in only.
func (s *Store) UseTOTPStep(ctx context.Context, id string, step int64) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`, id, step)
	if err != nil {
		return false, fmt.Errorf("org: totp step: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// TOTPSecrets returns the stored TOTP secret of every user who has one, by
// user id, for the auth package's start-up sealing of plain secrets.
func (s *Store) TOTPSecrets(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, totp_secret FROM users WHERE totp_secret <> ''`)
	if err != nil {
		return nil, fmt.Errorf("org: totp secrets: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, secret string
		if err := rows.Scan(&id, &secret); err != nil {
			return nil, fmt.Errorf("org: totp secrets: %w", err)
		}
		out[id] = secret
	}
	return out, rows.Err()
}

// ReplaceTOTPSecret swaps a user's stored TOTP secret for another form of
// the same secret (its sealed form), only if it is still old: a node sealing
// at start and another sealing on first use, or a user re-enrolling at that
// moment, cannot overwrite each other. It changes no setting of the user's,
// so it is neither audited nor counted as an update.
func (s *Store) ReplaceTOTPSecret(ctx context.Context, id, old, replacement string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE users SET totp_secret = $3 WHERE id = $1 AND totp_secret = $2`, id, old, replacement)
	if err != nil {
		return false, fmt.Errorf("org: replace totp secret: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
