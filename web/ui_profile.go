package web

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/i18n"
)

// profilePages are a user's own profile: name, e-mail and language,
// password, second factor, API tokens and avatar. (Enrolling in the second
// factor is signInPages', shared with sign-in.)
type profilePages struct {
	ui    *pages
	auth  profileAuth
	users interface {
		UpdateUser(ctx context.Context, sc access.Scope, id string, ch org.UserChanges) (org.User, error)
	}
	avatars Avatars
}

// profileAuth is what the profile asks of auth.Service.
type profileAuth interface {
	ListTokens(ctx context.Context, sc access.Scope, userID string) ([]auth.APIToken, error)
	CreateToken(ctx context.Context, sc access.Scope, userID, name string, ttl time.Duration) (string, auth.APIToken, error)
	RevokeToken(ctx context.Context, sc access.Scope, tokenID string) error
	TOTPRequired(ctx context.Context, role access.Role) (bool, error)
	DisableTOTP(ctx context.Context, sc access.Scope, userID string) error
	ChangePassword(ctx context.Context, p *auth.Principal, oldPW, newPW string) error
}

// Avatars keeps users' photos (org.Avatars): the profile page changes
// one's own.
type Avatars interface {
	Save(ctx context.Context, sc access.Scope, userID string, r io.Reader) error
	Remove(ctx context.Context, sc access.Scope, userID string) error
	URL(ctx context.Context, userID string) (string, error)
}

// russianZones are the zones a user may choose in the profile: Russia's,
// west to east ("tz.<name>" in the catalogue names them).
var russianZones = []string{"Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
	"Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka"}

// zoneName is a zone's name in lang, or its IANA name when the
// catalogue has none.
func zoneName(lang, zone string) string {
	if s, ok := i18n.Lookup(lang, "tz."+zone); ok {
		return s
	}
	return zone
}

func (h profilePages) page(w http.ResponseWriter, r *http.Request) {
	p := h.ui.user(w, r)
	if p == nil {
		return
	}
	tokens, err := h.auth.ListTokens(r.Context(), p.Scope, p.User.ID)
	if err != nil {
		h.ui.fail(w, r, err)
		return
	}
	required, err := h.auth.TOTPRequired(r.Context(), p.User.Role)
	if err != nil {
		h.ui.fail(w, r, err)
		return
	}
	avatar, err := h.avatars.URL(r.Context(), p.User.ID)
	if err != nil {
		h.ui.fail(w, r, err)
		return
	}
	v := h.ui.view(r, "title.profile", "settings")
	v.Data = map[string]any{"Tokens": tokens, "TOTPRequired": required, "AvatarURL": avatar,
		"Zones": russianZones, "InstallationZone": zoneName(v.Lang, h.ui.zone.String())}
	h.ui.render(w, r, http.StatusOK, "profile", v)
}

func (h profilePages) update(w http.ResponseWriter, r *http.Request) {
	p := h.ui.user(w, r)
	if p == nil {
		return
	}
	name, email, lang := r.PostFormValue("full_name"), r.PostFormValue("email"), r.PostFormValue("lang")
	ch := org.UserChanges{FullName: &name, Email: &email, Lang: &lang}
	if r.PostForm.Has("time_zone") {
		tz := r.PostFormValue("time_zone")
		ch.TimeZone = &tz
	}
	if _, err := h.users.UpdateUser(r.Context(), p.Scope, p.User.ID, ch); err != nil {
		h.ui.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/profile", "saved")
}

func (h profilePages) changePassword(w http.ResponseWriter, r *http.Request) {
	p := h.ui.user(w, r)
	if p == nil {
		return
	}
	if err := h.auth.ChangePassword(r.Context(), p, r.PostFormValue("old_password"), r.PostFormValue("new_password")); err != nil {
		h.ui.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/profile", "password_changed")
}

func (h profilePages) disableTOTP(w http.ResponseWriter, r *http.Request) {
	p := h.ui.user(w, r)
	if p == nil {
		return
	}
	if err := h.auth.DisableTOTP(r.Context(), p.Scope, p.User.ID); err != nil {
		h.ui.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/profile", "saved")
}

func (h profilePages) createToken(w http.ResponseWriter, r *http.Request) {
	p := h.ui.user(w, r)
	if p == nil {
		return
	}
	secret, _, err := h.auth.CreateToken(r.Context(), p.Scope, p.User.ID, r.PostFormValue("name"), 0)
	if err != nil {
		h.ui.fail(w, r, err)
		return
	}
	h.ui.secret(w, r, "profile.token_heading", "profile.token_note", secret, "/profile")
}

func (h profilePages) revokeToken(w http.ResponseWriter, r *http.Request) {
	p := h.ui.user(w, r)
	if p == nil {
		return
	}
	if err := h.auth.RevokeToken(r.Context(), p.Scope, r.PathValue("id")); err != nil {
		h.ui.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/profile", "saved")
}

func (h profilePages) uploadAvatar(w http.ResponseWriter, r *http.Request) {
	p := h.ui.user(w, r)
	if p == nil {
		return
	}
	f, _, err := r.FormFile("avatar")
	if err != nil {
		h.ui.fail(w, r, valid.Errorf("avatar", "empty", "choose an image file"))
		return
	}
	defer f.Close()
	if err := h.avatars.Save(r.Context(), p.Scope, p.User.ID, f); err != nil {
		h.ui.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/profile", "saved")
}

func (h profilePages) removeAvatar(w http.ResponseWriter, r *http.Request) {
	p := h.ui.user(w, r)
	if p == nil {
		return
	}
	if err := h.avatars.Remove(r.Context(), p.Scope, p.User.ID); err != nil {
		h.ui.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/profile", "saved")
}
