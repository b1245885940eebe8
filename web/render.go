package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/names"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/i18n"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// pages renders the UI: one template set per page (the layout plus that
// page's "content" block), the view every page gets, the error page, and
// the checks that send a visitor to sign in first. Every page type holds
// one.
type pages struct {
	byName map[string]*template.Template
	// zone is the installation's time zone (PROFHUB_TIME_ZONE): a page
	// shows dates and times in the user's own zone when they chose one,
	// else in this, both on the server ({{$.Date}}) and in the scripts,
	// which get it on <html data-tz> (web/static/common.js).
	zone *time.Location
}

// DateFormat is the one way a page writes an instant: "04.12.2026 14:05",
// as web/static/common.js's dateTime does.
const DateFormat = "02.01.2006 15:04"

var funcs = template.FuncMap{
	"t":      func(lang, key string, args ...any) string { return i18n.T(lang, key, args...) },
	"indent": func(depth int) string { return strings.Repeat("\u00a0\u00a0\u00a0\u00a0", depth) },
	"asset":  func(name string) string { return staticAssets.url(name) },
	// address is how a greeting names a person in Russian: by given name
	// and patronymic ("Татьяна Михайловна"), by the full name when it
	// has no given name.
	"address": func(full string) string {
		p := names.Split(full)
		if p.Given == "" {
			return full
		}
		return strings.TrimSpace(p.Given + " " + p.Patronymic)
	},
	// short is a person's short full name ("Кузнецова Т. М."), for the
	// header, where the full one pushed the menu onto a second line.
	"short": names.Short,
	// clockStrings are the working day control's words (clock.js).
	"clockStrings": func(lang string) string {
		return string(scriptStrings(lang, func(k string) (string, bool) {
			return k, strings.HasPrefix(k, "clock.")
		}))
	},
	// bellStrings are the bell's words (bell.js), on its element.
	"bellStrings": func(lang string) string {
		return string(scriptStrings(lang, func(k string) (string, bool) {
			return k, strings.HasPrefix(k, "bell.") || strings.HasPrefix(k, "notify.")
		}))
	},
}

func loadPages(zone *time.Location) (*pages, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: layout: %w", err)
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}, zone: zone}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFiles, n)
		if err != nil {
			return nil, fmt.Errorf("web: %s: %w", base, err)
		}
		p.byName[strings.TrimSuffix(base, ".html")] = t
	}
	return p, nil
}

// view is what every page template receives.
type view struct {
	Lang     string
	TimeZone string // IANA name, for the scripts' dates and times
	// InstallationZone is PROFHUB_TIME_ZONE's name: what a setting
	// without a zone of its own (a line's working hours) is counted in.
	InstallationZone string
	zone             *time.Location
	Title            string
	Nav              string
	User             *org.User
	CSRF             string
	IsAdmin          bool
	CanAudit         bool
	Menu             []menuGroup // the areas the user may open, grouped (menu.go)
	scope            access.Scope
	Flash            string
	Error            string
	Data             any
}

func (ui *pages) view(r *http.Request, title, nav string) *view {
	v := &view{Lang: i18n.Negotiate(r.Header.Get("Accept-Language")), zone: ui.zone, Title: title, Nav: nav}
	if p := auth.FromContext(r.Context()); p != nil {
		u := p.User
		v.User, v.Lang, v.CSRF = &u, u.Lang, p.CSRFToken
		v.zone = userZone(u, ui.zone)
		v.IsAdmin = p.Scope.Can(access.ManageUsers)
		v.CanAudit = p.Scope.Can(access.ReadAudit)
		v.Menu, v.scope = menuFor(p.Scope), p.Scope
	}
	v.TimeZone, v.InstallationZone = v.zone.String(), ui.zone.String()
	if f := r.URL.Query().Get("flash"); f != "" && i18n.Has("flash."+f) {
		v.Flash = "flash." + f
	}
	return v
}

// userZone is the zone u chose, else the installation's.
func userZone(u org.User, installation *time.Location) *time.Location {
	if u.TimeZone == "" {
		return installation
	}
	if l, ok := loadedZones.Load(u.TimeZone); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(u.TimeZone)
	if err != nil {
		return installation
	}
	loadedZones.Store(u.TimeZone, l)
	return l
}

// loadedZones keeps the users' zones once loaded: a page is rendered
// often, and the zone database is read from disk.
var loadedZones sync.Map

// Date writes an instant in the user's zone and DateFormat; "—" for none.
func (v *view) Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(v.zone).Format(DateFormat)
}

// Can reports whether the user's role grants the permission named perm
// ("mailings.send"), for a template's links and buttons.
func (v *view) Can(perm string) bool { return v.User != nil && v.scope.Can(access.Permission(perm)) }

// Opens reports whether the user may open the menu's area nav.
func (v *view) Opens(nav string) bool { return v.User != nil && opens(v.scope, nav) }

func (ui *pages) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view) {
	t, ok := ui.byName[page]
	if !ok {
		httpapi.Error(w, r, fmt.Errorf("web: no template %q", page))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		httpapi.Error(w, r, fmt.Errorf("web: render %s: %w", page, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorText turns an error into a message for a page in lang, the way
// the JSON API words it (httpapi.Message): by the validation error's
// code and field, the refusal's key, or the error's stable code.
func errorText(lang string, err error) string {
	_, code, msg, _ := httpapi.Classify(err)
	ctx := httpapi.WithTranslator(context.Background(), func(_ context.Context, key string, args ...any) (string, bool) {
		return i18n.Lookup(lang, key, args...)
	})
	return httpapi.Message(ctx, err, code, msg)
}

// fail renders the error page with the status the error maps to.
func (ui *pages) fail(w http.ResponseWriter, r *http.Request, err error) {
	err = httpapi.DuringOutage(r.Context(), err)
	status, _, _, _ := httpapi.Classify(err)
	if status >= 500 {
		httpapi.Logger(r.Context()).Error("page failed", "err", err)
	}
	httpapi.SetRetryAfter(w.Header(), err)
	v := ui.view(r, "title.error", "")
	v.Error = errorText(v.Lang, err)
	ui.render(w, r, status, "error", v)
}

// user returns the signed-in user, or redirects to sign-in (or to the
// second-factor step) and returns nil.
func (ui *pages) user(w http.ResponseWriter, r *http.Request) *auth.Principal {
	p := auth.FromContext(r.Context())
	switch {
	case p == nil:
		http.Redirect(w, r, "/login?next="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
		return nil
	case p.MFAPending:
		http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
		return nil
	}
	return p
}

// admin is user for the administration pages: other roles get 403.
func (ui *pages) admin(w http.ResponseWriter, r *http.Request, perm access.Permission) *auth.Principal {
	p := ui.user(w, r)
	if p == nil {
		return nil
	}
	if err := p.Scope.Require(perm); err != nil {
		ui.fail(w, r, err)
		return nil
	}
	return p
}

// area is user for the pages of a menu area: those whose role the menu
// does not show it to get 403, as its API would answer them.
func (ui *pages) area(w http.ResponseWriter, r *http.Request, nav string) *auth.Principal {
	p := ui.user(w, r)
	if p == nil {
		return nil
	}
	if !opens(p.Scope, nav) {
		ui.fail(w, r, fmt.Errorf("%w: %s may not open %s", access.ErrForbidden, p.Scope.Role, nav))
		return nil
	}
	return p
}

// secret shows a secret once (a new password, an API token) with a note
// and the way back.
func (ui *pages) secret(w http.ResponseWriter, r *http.Request, heading, note, secret, back string) {
	v := ui.view(r, heading, "settings")
	v.Data = map[string]string{"Heading": heading, "Note": note, "Secret": secret, "Back": back}
	ui.render(w, r, http.StatusOK, "secret", v)
}

// script renders a page that a script fills from the JSON API, with the
// console's strings.
func (ui *pages) script(w http.ResponseWriter, r *http.Request, page, title, nav string) {
	if ui.area(w, r, nav) == nil {
		return
	}
	v := ui.view(r, title, nav)
	// Every "console.*" key of the catalogue, and the roles' and kinds' names.
	v.Data = map[string]any{"Strings": scriptStrings(v.Lang, func(k string) (string, bool) {
		if strings.HasPrefix(k, "console.") || strings.HasPrefix(k, "role.") || strings.HasPrefix(k, "kind.") {
			return strings.TrimPrefix(k, "console."), true
		}
		return "", false
	})}
	ui.render(w, r, http.StatusOK, page, v)
}

// scriptStrings is the part of the catalogue a page's script reads, as a
// JSON data block (not executed, so the CSP allows it): name gives a key's
// name in the block, or false to leave the key out.
func scriptStrings(lang string, name func(key string) (string, bool)) template.JS {
	strs := map[string]string{}
	for _, k := range i18n.Keys(lang) {
		if n, ok := name(k); ok {
			strs[n] = i18n.T(lang, k)
		}
	}
	b, _ := json.Marshal(strs)
	return template.JS(b)
}

// safeNext keeps only local paths, so the login form cannot be turned into
// an open redirect.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func redirectFlash(w http.ResponseWriter, r *http.Request, to, flash string) {
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	http.Redirect(w, r, to+sep+"flash="+flash, http.StatusSeeOther)
}
