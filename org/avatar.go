package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// A user's avatar is the photo site visitors see next to the operator's
// replies in the chat widget. The image lives in the blob store under a
// random key, which users.avatar_key names; a new photo gets a new key,
// so the public address of one never shows another.

// MaxAvatarBytes caps an avatar: a chat shows it at 32 pixels.
const MaxAvatarBytes = 512 << 10

// AvatarType tells an avatar's type from its bytes, never from what the
// uploading browser claimed: PNG, JPEG or WebP, else a valid.Error.
func AvatarType(data []byte) (string, error) {
	switch {
	case len(data) == 0:
		return "", valid.Errorf("avatar", "empty", "choose an image file")
	case len(data) > MaxAvatarBytes:
		return "", valid.Errorf("avatar", "too_large", "an avatar is limited to %d KB", MaxAvatarBytes>>10)
	}
	switch ct := http.DetectContentType(data); ct {
	case "image/png", "image/jpeg", "image/webp":
		return ct, nil
	}
	return "", valid.Errorf("avatar", "type", "an avatar must be a PNG, JPEG or WebP image")
}

// SetAvatar makes key (a blob already stored and checked with AvatarType)
// the user's avatar, or removes it with "", and returns the previous key,
// whose blob the caller deletes. Users change their own; others need the
// right to manage users.
func (s *Store) SetAvatar(ctx context.Context, sc access.Scope, userID, key string) (string, error) {
	if sc.UserID != userID {
		if err := sc.Require(access.ManageUsers); err != nil {
			return "", err
		}
	}
	u, err := s.GetUser(ctx, sc, userID)
	if err != nil {
		return "", err
	}
	var prev string
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT avatar_key FROM users WHERE id = $1`, userID).Scan(&prev); err != nil {
			return fmt.Errorf("org: avatar: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET avatar_key = $2, updated_at = $3 WHERE id = $1`, userID, key, db.Now()); err != nil {
			return fmt.Errorf("org: set avatar: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "user.avatar", ObjectType: "user", ObjectID: userID, UnitID: u.UnitID,
			Details: map[string]any{"avatar": key != ""}})
	})
	return prev, err
}

// AvatarKey is the user's avatar, "" if they have none. Unscoped: the
// widget shows operators' photos to anyone they answer.
func (s *Store) AvatarKey(ctx context.Context, userID string) (string, error) {
	var key string
	err := s.db.QueryRowCached(ctx, `SELECT avatar_key FROM users WHERE id = $1`, userID).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", userNotFound(userID)
	}
	if err != nil {
		return "", fmt.Errorf("org: avatar: %w", err)
	}
	return key, nil
}

// IsAvatar reports whether key is some user's avatar now, so the public
// address serves no other blob (attachments, recordings) and no photo a
// user has replaced.
func (s *Store) IsAvatar(ctx context.Context, key string) (bool, error) {
	if key == "" {
		return false, nil
	}
	var n int
	if err := s.db.QueryRowCached(ctx, `SELECT COUNT(*) FROM users WHERE avatar_key = $1`, key).Scan(&n); err != nil {
		return false, fmt.Errorf("org: avatar: %w", err)
	}
	return n > 0, nil
}
