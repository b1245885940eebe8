package org

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/blob"
)

// AvatarPath is where the widget serves avatars (widget.AvatarPath; org
// does not import the widget).
const AvatarPath = "/widget/v1/avatar/"

// Avatars keeps users' photos: the checked image in the blob store and its
// key on the user. The profile page (web) and the directory API (orgapi)
// both change avatars through it.
type Avatars struct {
	store *Store
	blobs blob.Store
	log   *slog.Logger
}

// NewAvatars keeps avatars of store's users in blobs.
func NewAvatars(store *Store, blobs blob.Store, log *slog.Logger) *Avatars {
	return &Avatars{store: store, blobs: blobs, log: log}
}

// Save checks and stores the image in r and makes it the user's avatar;
// the replaced image is deleted.
func (a *Avatars) Save(ctx context.Context, sc access.Scope, userID string, r io.Reader) error {
	data, err := io.ReadAll(io.LimitReader(r, MaxAvatarBytes+1))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return valid.Errorf("avatar", "too_large", "an avatar is limited to %d KB", MaxAvatarBytes>>10)
	}
	if err != nil {
		return valid.Errorf("avatar", "read", "the image could not be read")
	}
	if _, err := AvatarType(data); err != nil {
		return err
	}
	info, err := a.blobs.Put(ctx, bytes.NewReader(data), MaxAvatarBytes)
	if err != nil {
		return err
	}
	return a.replace(ctx, sc, userID, info.Key)
}

// Remove takes the user's avatar away and deletes its image.
func (a *Avatars) Remove(ctx context.Context, sc access.Scope, userID string) error {
	return a.replace(ctx, sc, userID, "")
}

// URL is where the user's avatar is served, "" if they have none.
// Unscoped like AvatarKey: callers check the user is theirs to see.
func (a *Avatars) URL(ctx context.Context, userID string) (string, error) {
	key, err := a.store.AvatarKey(ctx, userID)
	if err != nil || key == "" {
		return "", err
	}
	return AvatarPath + key, nil
}

// replace names key the user's avatar ("" removes it) and deletes the blob
// of the previous one, or of key if it could not be named.
func (a *Avatars) replace(ctx context.Context, sc access.Scope, userID, key string) error {
	prev, err := a.store.SetAvatar(ctx, sc, userID, key)
	if err != nil {
		prev = key
	}
	if prev != "" {
		if derr := a.blobs.Delete(context.WithoutCancel(ctx), prev); derr != nil {
			a.log.Warn("avatar image not deleted", "key", prev, "err", derr)
		}
	}
	return err
}
