package web

import (
	"net/http"

	"github.com/profhub/profhub/org"
)

func (s *Server) profilePage(w http.ResponseWriter, r *http.Request) {
	p := s.pageUser(w, r)
	if p == nil {
		return
	}
	tokens, err := s.Auth.ListTokens(r.Context(), p.Scope, p.User.ID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	required, err := s.Auth.TOTPRequired(r.Context(), p.User.Role)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	avatar, err := s.Org.AvatarKey(r.Context(), p.User.ID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if avatar != "" {
		avatar = avatarPath + avatar
	}
	v := s.newView(r, "title.profile", "settings")
	v.Data = map[string]any{"Tokens": tokens, "TOTPRequired": required, "AvatarURL": avatar}
	s.render(w, r, http.StatusOK, "profile", v)
}

func (s *Server) updateProfile(w http.ResponseWriter, r *http.Request) {
	p := s.pageUser(w, r)
	if p == nil {
		return
	}
	name, email, lang := r.PostFormValue("full_name"), r.PostFormValue("email"), r.PostFormValue("lang")
	if _, err := s.Org.UpdateUser(r.Context(), p.Scope, p.User.ID, org.UserChanges{FullName: &name, Email: &email, Lang: &lang}); err != nil {
		s.pageError(w, r, err)
		return
	}
	redirectFlash(w, r, "/profile", "saved")
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	p := s.pageUser(w, r)
	if p == nil {
		return
	}
	if err := s.Auth.ChangePassword(r.Context(), p, r.PostFormValue("old_password"), r.PostFormValue("new_password")); err != nil {
		s.pageError(w, r, err)
		return
	}
	redirectFlash(w, r, "/profile", "password_changed")
}

func (s *Server) disableOwnTOTP(w http.ResponseWriter, r *http.Request) {
	p := s.pageUser(w, r)
	if p == nil {
		return
	}
	if err := s.Auth.DisableTOTP(r.Context(), p.Scope, p.User.ID); err != nil {
		s.pageError(w, r, err)
		return
	}
	redirectFlash(w, r, "/profile", "saved")
}

func (s *Server) createOwnToken(w http.ResponseWriter, r *http.Request) {
	p := s.pageUser(w, r)
	if p == nil {
		return
	}
	secret, _, err := s.Auth.CreateToken(r.Context(), p.Scope, p.User.ID, r.PostFormValue("name"), 0)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.showSecret(w, r, "profile.token_heading", "profile.token_note", secret, "/profile")
}

func (s *Server) revokeOwnToken(w http.ResponseWriter, r *http.Request) {
	p := s.pageUser(w, r)
	if p == nil {
		return
	}
	if err := s.Auth.RevokeToken(r.Context(), p.Scope, r.PathValue("id")); err != nil {
		s.pageError(w, r, err)
		return
	}
	redirectFlash(w, r, "/profile", "saved")
}
