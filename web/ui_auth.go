package web

import (
	"bytes"
	"context"
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
	"github.com/profhub/profhub/web/i18n"
)

// loginCSRFCookie protects the sign-in form itself (login CSRF) before any
// session exists: the form must echo the cookie's random value.
const loginCSRFCookie = "profhub_login_csrf"

// signInPages are sign-in with a password, the second factor (and its
// enrolment, also reached from the profile) and signing out.
type signInPages struct {
	ui       *pages
	auth     signInAuth
	sessions *sessions
}

// signInAuth is what signing in asks of auth.Service.
type signInAuth interface {
	Login(ctx context.Context, login, password, ip, userAgent string) (auth.LoginResult, error)
	VerifyTOTP(ctx context.Context, p *auth.Principal, code, ip string) error
	BeginTOTP(ctx context.Context, p *auth.Principal) (*otp.Key, error)
	ConfirmTOTP(ctx context.Context, p *auth.Principal, code string) error
	Logout(ctx context.Context, p *auth.Principal) error
}

func (h signInPages) loginForm(w http.ResponseWriter, r *http.Request) {
	if p := auth.FromContext(r.Context()); p != nil && !p.MFAPending {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	h.renderLogin(w, r, http.StatusOK, "", "")
}

func (h signInPages) renderLogin(w http.ResponseWriter, r *http.Request, status int, login, errText string) {
	token := ""
	if c, err := r.Cookie(loginCSRFCookie); err == nil && len(c.Value) >= 32 {
		token = c.Value
	} else {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		token = base64.RawURLEncoding.EncodeToString(b)
		http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: token, Path: "/login", HttpOnly: true,
			Secure: h.sessions.secureCookies(), SameSite: http.SameSiteStrictMode})
	}
	v := h.ui.view(r, "title.login", "")
	v.User = nil
	v.Error = errText
	v.Data = map[string]string{"CSRF": token, "Next": safeNext(r.FormValue("next")), "Login": login}
	h.ui.render(w, r, status, "login", v)
}

func (h signInPages) login(w http.ResponseWriter, r *http.Request) {
	lang := h.ui.view(r, "", "").Lang
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf_token"))) != 1 {
		httpapi.Logger(r.Context()).Warn("login form without its csrf token")
		h.renderLogin(w, r, http.StatusForbidden, "", i18n.T(lang, "err.csrf"))
		return
	}
	login := r.PostFormValue("login")
	res, err := h.auth.Login(r.Context(), login, r.PostFormValue("password"), h.sessions.clientIP(r), r.UserAgent())
	if err != nil {
		status, _, _, _ := httpapi.Classify(err)
		var thr *auth.ThrottledError
		if errors.As(err, &thr) {
			w.Header().Set("Retry-After", httpRetryAfter(thr))
		}
		if status >= 500 {
			httpapi.Logger(r.Context()).Error("login failed", "err", err)
		}
		h.renderLogin(w, r, status, login, signInErrorText(lang, err))
		return
	}
	h.sessions.setCookie(w, res.Token)
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
func (h signInPages) pendingUser(w http.ResponseWriter, r *http.Request) *auth.Principal {
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

func (h signInPages) totpForm(w http.ResponseWriter, r *http.Request) {
	p := h.pendingUser(w, r)
	if p == nil {
		return
	}
	if !p.User.TOTPEnabled {
		http.Redirect(w, r, "/login/totp/enrol", http.StatusSeeOther)
		return
	}
	v := h.ui.view(r, "totp.title", "")
	v.User = nil
	v.CSRF = p.CSRFToken
	h.ui.render(w, r, http.StatusOK, "totp", v)
}

func (h signInPages) totpVerify(w http.ResponseWriter, r *http.Request) {
	p := h.pendingUser(w, r)
	if p == nil {
		return
	}
	if err := h.auth.VerifyTOTP(r.Context(), p, r.PostFormValue("code"), h.sessions.clientIP(r)); err != nil {
		v := h.ui.view(r, "totp.title", "")
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
		h.ui.render(w, r, status, "totp", v)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// enrolForm starts TOTP enrolment: during a pending sign-in (policy demands
// it) or from the profile page.
func (h signInPages) enrolForm(w http.ResponseWriter, r *http.Request) {
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
	key, err := h.auth.BeginTOTP(r.Context(), p)
	if err != nil {
		h.ui.fail(w, r, err)
		return
	}
	h.renderEnrol(w, r, p, key, action, "")
}

func (h signInPages) renderEnrol(w http.ResponseWriter, r *http.Request, p *auth.Principal, key *otp.Key, action, errText string) {
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
	v := h.ui.view(r, "enrol.title", "settings")
	v.CSRF, v.Error = p.CSRFToken, errText
	if p.MFAPending {
		v.User = nil
	}
	v.Data = map[string]any{"QR": qr, "Secret": key.Secret(), "Action": action, "Required": p.MFAPending}
	h.ui.render(w, r, http.StatusOK, "enrol", v)
}

func (h signInPages) enrolConfirm(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	if p == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if err := h.auth.ConfirmTOTP(r.Context(), p, r.PostFormValue("code")); err != nil {
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

func (h signInPages) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.auth.Logout(r.Context(), auth.FromContext(r.Context())); err != nil {
		httpapi.Logger(r.Context()).Error("logout", "err", err)
	}
	h.sessions.clearCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
