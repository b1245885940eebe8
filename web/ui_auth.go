package web

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"html/template"
	"image/png"
	"math"
	"net/http"
	"strconv"

	"github.com/pquerna/otp"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/web/i18n"
)

// loginCSRFCookie protects the sign-in form itself (login CSRF) before any
// session exists: the form must echo the cookie's random value.
const loginCSRFCookie = "profhub_login_csrf"

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if p := auth.FromContext(r.Context()); p != nil && !p.MFAPending {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, "", "")
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, login, errText string) {
	token := ""
	if c, err := r.Cookie(loginCSRFCookie); err == nil && len(c.Value) >= 32 {
		token = c.Value
	} else {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		token = base64.RawURLEncoding.EncodeToString(b)
		http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: token, Path: "/login", HttpOnly: true,
			Secure: s.Config.SecureCookies(), SameSite: http.SameSiteStrictMode})
	}
	v := s.newView(r, "title.login", "")
	v.User = nil
	v.Error = errText
	v.Data = map[string]string{"CSRF": token, "Next": safeNext(r.FormValue("next")), "Login": login}
	s.render(w, r, status, "login", v)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	lang := s.newView(r, "", "").Lang
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf_token"))) != 1 {
		httpapi.Logger(r.Context()).Warn("login form without its csrf token")
		s.renderLogin(w, r, http.StatusForbidden, "", i18n.T(lang, "err.csrf"))
		return
	}
	login := r.PostFormValue("login")
	res, err := s.Auth.Login(r.Context(), login, r.PostFormValue("password"), s.clientIP(r), r.UserAgent())
	if err != nil {
		status, _, _, _ := httpapi.Classify(err)
		var thr *auth.ThrottledError
		if errors.As(err, &thr) {
			w.Header().Set("Retry-After", httpRetryAfter(thr))
		}
		if status >= 500 {
			httpapi.Logger(r.Context()).Error("login failed", "err", err)
		}
		s.renderLogin(w, r, status, login, signInErrorText(lang, err))
		return
	}
	s.setSessionCookie(w, res.Token)
	if res.MFAPending {
		http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// httpRetryAfter is the wait in whole seconds, rounded up, as the page says.
func httpRetryAfter(t *auth.ThrottledError) string {
	return strconv.Itoa(waitSeconds(t))
}

func waitSeconds(t *auth.ThrottledError) int {
	return max(int(math.Ceil(t.RetryAfter.Seconds())), 1)
}

// signInErrorText is errorText that tells a throttled person how long to
// wait: whole seconds rounded up under two minutes, whole minutes above.
func signInErrorText(lang string, err error) string {
	var thr *auth.ThrottledError
	if !errors.As(err, &thr) {
		return errorText(lang, err)
	}
	secs := waitSeconds(thr)
	if secs < 120 {
		return i18n.T(lang, "err.throttled_seconds", secs)
	}
	return i18n.T(lang, "err.throttled_minutes", (secs+59)/60)
}

// pendingUser is the caller of the second-factor pages: signed in with a
// password, code still due.
func (s *Server) pendingUser(w http.ResponseWriter, r *http.Request) *auth.Principal {
	p := auth.FromContext(r.Context())
	if p == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	if !p.MFAPending {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	return p
}

func (s *Server) totpForm(w http.ResponseWriter, r *http.Request) {
	p := s.pendingUser(w, r)
	if p == nil {
		return
	}
	if !p.User.TOTPEnabled {
		http.Redirect(w, r, "/login/totp/enrol", http.StatusSeeOther)
		return
	}
	v := s.newView(r, "totp.title", "")
	v.User = nil
	v.CSRF = p.CSRFToken
	s.render(w, r, http.StatusOK, "totp", v)
}

func (s *Server) totpVerify(w http.ResponseWriter, r *http.Request) {
	p := s.pendingUser(w, r)
	if p == nil {
		return
	}
	if err := s.Auth.VerifyTOTP(r.Context(), p, r.PostFormValue("code"), s.clientIP(r)); err != nil {
		v := s.newView(r, "totp.title", "")
		v.User, v.CSRF = nil, p.CSRFToken
		v.Error = signInErrorText(v.Lang, err)
		status, _, _, _ := httpapi.Classify(err)
		var thr *auth.ThrottledError
		if errors.As(err, &thr) {
			w.Header().Set("Retry-After", httpRetryAfter(thr))
		}
		if status >= 500 {
			httpapi.Logger(r.Context()).Error("second factor failed", "err", err)
		}
		s.render(w, r, status, "totp", v)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// enrolForm starts TOTP enrolment: during a pending sign-in (policy demands
// it) or from the profile page.
func (s *Server) enrolForm(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	if p == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	action := "/profile/totp"
	if p.MFAPending {
		if p.User.TOTPEnabled {
			http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
			return
		}
		action = "/login/totp/enrol"
	}
	key, err := s.Auth.BeginTOTP(r.Context(), p)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.renderEnrol(w, r, p, key, action, "")
}

func (s *Server) renderEnrol(w http.ResponseWriter, r *http.Request, p *auth.Principal, key *otp.Key, action, errText string) {
	img, err := key.Image(200, 200)
	// template.URL: html/template would otherwise neutralise the data: URL.
	// It is safe here because we made every byte of it.
	var qr template.URL
	if err == nil {
		var buf bytes.Buffer
		if png.Encode(&buf, img) == nil {
			qr = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
		}
	}
	v := s.newView(r, "enrol.title", "settings")
	v.CSRF, v.Error = p.CSRFToken, errText
	if p.MFAPending {
		v.User = nil
	}
	v.Data = map[string]any{"QR": qr, "Secret": key.Secret(), "Action": action, "Required": p.MFAPending}
	s.render(w, r, http.StatusOK, "enrol", v)
}

func (s *Server) enrolConfirm(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	if p == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if err := s.Auth.ConfirmTOTP(r.Context(), p, r.PostFormValue("code")); err != nil {
		// A wrong code restarts enrolment with a fresh secret: keeping the
		// old one would mean carrying it in the page.
		redirectTo := "/profile/totp"
		if p.MFAPending {
			redirectTo = "/login/totp/enrol"
		}
		httpapi.Logger(r.Context()).Info("totp enrolment code refused", "err", err)
		redirectFlash(w, r, redirectTo, "bad_code")
		return
	}
	redirectFlash(w, r, "/profile", "totp_on")
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.Auth.Logout(r.Context(), auth.FromContext(r.Context())); err != nil {
		httpapi.Logger(r.Context()).Error("logout", "err", err)
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		s.pageError(w, r, db.ErrNotFound)
		return
	}
	if s.pageUser(w, r) == nil {
		return
	}
	s.render(w, r, http.StatusOK, "home", s.newView(r, "title.home", ""))
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) {
	if s.pageUser(w, r) == nil {
		return
	}
	s.render(w, r, http.StatusOK, "settings", s.newView(r, "nav.settings", "settings"))
}
