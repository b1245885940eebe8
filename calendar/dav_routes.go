package calendar

import (
	"context"
	"net/http"
	"strings"

	"github.com/emersion/go-webdav/caldav"

	"github.com/profhub/profhub/internal/httpapi"
)

// FeedPrefix is where the read-only feeds are served: /ical/{token}.ics.
const FeedPrefix = "/ical/"

// davHandlers serve CalDAV to clients signed in with an app password, and
// the feeds. Neither knows the web session: the hub's middleware lets
// these paths pass without it.
type davHandlers struct {
	s    *Service
	keys *Secrets
	dav  *caldav.Handler
}

// DAVRoutes adds CalDAV, its discovery address and the feed to mux.
func (s *Service) DAVRoutes(mux *http.ServeMux, keys *Secrets) {
	h := davHandlers{s: s, keys: keys, dav: &caldav.Handler{Backend: davBackend{s}, Prefix: DAVPrefix}}
	mux.HandleFunc(DAVPrefix, h.serveDAV) // clients ask for the prefix without its slash too
	mux.HandleFunc(DAVPrefix+"/", h.serveDAV)
	mux.HandleFunc("/.well-known/caldav", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, DAVPrefix+"/", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET "+FeedPrefix+"{token}", h.feed)
}

// serveDAV signs the client in by Basic auth (login and app password) and
// hands the request to go-webdav's CalDAV handler.
func (h davHandlers) serveDAV(w http.ResponseWriter, r *http.Request) {
	login, password, ok := r.BasicAuth()
	if !ok {
		w.Header().Set("WWW-Authenticate", `Basic realm="profhub", charset="UTF-8"`)
		http.Error(w, "app password required", http.StatusUnauthorized)
		return
	}
	u, err := h.keys.SignIn(r.Context(), login, password)
	if err != nil {
		httpapi.Logger(r.Context()).Warn("caldav sign-in refused", "login", login, "err", err)
		w.Header().Set("WWW-Authenticate", `Basic realm="profhub", charset="UTF-8"`)
		http.Error(w, "wrong login or app password", http.StatusUnauthorized)
		return
	}
	c := h.s.CallerOf(u, "caldav")
	h.dav.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), davCallerKey{}, c)))
}

// feed is every calendar the token's owner may read, from three months
// back, as one iCalendar file (repeats as rules, for the reader to expand).
func (h davHandlers) feed(w http.ResponseWriter, r *http.Request) {
	u, err := h.keys.FeedOwner(r.Context(), strings.TrimSuffix(r.PathValue("token"), ".ics"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	data, err := h.s.Feed(r.Context(), h.s.CallerOf(u, "feed"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, _ = w.Write(data)
}
