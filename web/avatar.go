package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/org"
)

// A user's avatar: the profile page's form (POST /profile/avatar, file
// field "avatar"; POST /profile/avatar/remove) and the API (PUT
// /api/v1/users/{id}/avatar with the image as the body, DELETE to remove).
// The widget serves it to visitors (widget.AvatarPath).

// saveAvatar checks and stores the image in r and makes it the user's
// avatar; the replaced image is deleted.
func (s *Server) saveAvatar(ctx context.Context, sc access.Scope, userID string, r io.Reader) error {
	data, err := io.ReadAll(io.LimitReader(r, org.MaxAvatarBytes+1))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return valid.Errorf("avatar", "too_large", "an avatar is limited to %d KB", org.MaxAvatarBytes>>10)
	}
	if err != nil {
		return valid.Errorf("avatar", "read", "the image could not be read")
	}
	if _, err := org.AvatarType(data); err != nil {
		return err
	}
	info, err := s.Blobs.Put(ctx, bytes.NewReader(data), org.MaxAvatarBytes)
	if err != nil {
		return err
	}
	return s.replaceAvatar(ctx, sc, userID, info.Key)
}

// replaceAvatar names key the user's avatar ("" removes it) and deletes
// the blob of the previous one, or of key if it could not be named.
func (s *Server) replaceAvatar(ctx context.Context, sc access.Scope, userID, key string) error {
	prev, err := s.Org.SetAvatar(ctx, sc, userID, key)
	if err != nil {
		prev = key
	}
	if prev != "" {
		if derr := s.Blobs.Delete(context.WithoutCancel(ctx), prev); derr != nil {
			s.Log.Warn("avatar image not deleted", "key", prev, "err", derr)
		}
	}
	return err
}

func (s *Server) uploadOwnAvatar(w http.ResponseWriter, r *http.Request) {
	p := s.pageUser(w, r)
	if p == nil {
		return
	}
	f, _, err := r.FormFile("avatar")
	if err != nil {
		s.pageError(w, r, valid.Errorf("avatar", "empty", "choose an image file"))
		return
	}
	defer f.Close()
	if err := s.saveAvatar(r.Context(), p.Scope, p.User.ID, f); err != nil {
		s.pageError(w, r, err)
		return
	}
	redirectFlash(w, r, "/profile", "saved")
}

func (s *Server) removeOwnAvatar(w http.ResponseWriter, r *http.Request) {
	p := s.pageUser(w, r)
	if p == nil {
		return
	}
	if err := s.replaceAvatar(r.Context(), p.Scope, p.User.ID, ""); err != nil {
		s.pageError(w, r, err)
		return
	}
	redirectFlash(w, r, "/profile", "saved")
}

func (s *Server) apiPutAvatar(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := s.saveAvatar(r.Context(), p.Scope, r.PathValue("id"), r.Body); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	s.apiAvatar(w, r, p)
}

func (s *Server) apiDeleteAvatar(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := s.replaceAvatar(r.Context(), p.Scope, r.PathValue("id"), ""); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiAvatar answers where the user's avatar is served ("" if they have none).
func (s *Server) apiAvatar(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if _, err := s.Org.GetUser(r.Context(), p.Scope, r.PathValue("id")); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	key, err := s.Org.AvatarKey(r.Context(), r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	url := ""
	if key != "" {
		url = avatarPath + key
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"avatar_url": url})
}

// avatarPath is where the widget serves avatars (widget.AvatarPath; web
// does not import the widget).
const avatarPath = "/widget/v1/avatar/"
