package web

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"text/template"

	"github.com/profhub/profhub/web/i18n"
)

// The hub installs on a phone as an app: a web app manifest, icons, and a
// service worker (sw.js) that keeps the static shell (the style sheets and
// scripts every page loads, the icons, the offline page) so a page opened
// without a network shows the offline page instead of the browser's error.
// It stores no page and no API answer: nothing personal stays on the
// device. It also shows the Web Push notices (notify/push.go) and opens
// their link on a click.

// themeColor is the header's colour (--color-dark in colors.css), for the
// phone's status bar and the app's splash screen.
const themeColor = "#222a36"

// shellFiles are the static files the service worker keeps: those the
// layout loads on every page, and the icons.
var shellFiles = []string{"colors.css", "app.css", "bell.css", "common.js", "bell.js", "pwa.js", "favicon.svg",
	"icons/icon-192.png", "icons/icon-512.png"}

//go:embed sw.js
var serviceWorkerSource string

var serviceWorkerTemplate = template.Must(template.New("sw.js").Delims("/*{{", "}}*/").Parse(serviceWorkerSource))

// serviceWorker is sw.js with this release's shell in it. Its bytes
// change with any shell file, so browsers install the new worker (they
// compare the script byte for byte) and it drops the old cache.
var serviceWorker = func() []byte {
	urls := []string{"/offline"}
	for _, f := range shellFiles {
		urls = append(urls, staticAssets.url(f))
	}
	list, _ := json.Marshal(urls)
	sum := sha256.Sum256(list)
	var b bytes.Buffer
	err := serviceWorkerTemplate.Execute(&b, map[string]string{"Version": hex.EncodeToString(sum[:])[:12], "Shell": string(list),
		"Icon": staticAssets.url("icons/icon-192.png")})
	if err != nil {
		panic("web: sw.js: " + err.Error())
	}
	return b.Bytes()
}()

// pwaPages serve the manifest, the service worker and the offline page,
// all public: a phone asks for them before (and after) anyone signs in.
type pwaPages struct{ ui *pages }

func (pwaPages) serviceWorker(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Service-Worker-Allowed", "/") // it controls every page of the hub
	_, _ = w.Write(serviceWorker)
}

type manifestIcon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose"`
}

// manifest is the web app manifest, in the language the browser asks for
// (Russian unless it asks for English).
func (pwaPages) manifest(w http.ResponseWriter, r *http.Request) {
	lang := i18n.Negotiate(r.Header.Get("Accept-Language"))
	var icons []manifestIcon
	for _, purpose := range []string{"any", "maskable"} { // full-bleed icons: the mask crops only background
		for _, size := range []string{"192", "512"} {
			icons = append(icons, manifestIcon{Src: staticAssets.url("icons/icon-" + size + ".png"), Sizes: size + "x" + size,
				Type: "image/png", Purpose: purpose})
		}
	}
	m := map[string]any{
		"name": i18n.T(lang, "pwa.name"), "short_name": i18n.T(lang, "pwa.short_name"),
		"description": i18n.T(lang, "pwa.description"), "lang": lang, "dir": "ltr",
		"id": "/", "start_url": "/", "scope": "/", "display": "standalone",
		"background_color": "#f4f6f9", "theme_color": themeColor, "icons": icons,
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	w.Header().Set("Content-Type", "application/manifest+json")
	w.Header().Set("Cache-Control", shortCache)
	w.Header().Add("Vary", "Accept-Language")
	_, _ = w.Write(b)
}

// offline is what the service worker shows when a page cannot be
// reached. It names nobody: it is rendered as for a visitor, even when
// the worker's request carries a sign-in.
func (h pwaPages) offline(w http.ResponseWriter, r *http.Request) {
	v := h.ui.view(r, "pwa.offline_title", "")
	v.User, v.Menu, v.CSRF = nil, nil, ""
	h.ui.render(w, r, http.StatusOK, "offline", v)
}
