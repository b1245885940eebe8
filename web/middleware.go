package web

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/web/i18n"
)

// chain is the middleware every request passes, outermost first: panics,
// request id, security headers, body limit, cross-origin protection,
// sign-in, CSRF, and the log line and metrics of the route.
type chain struct {
	cfg         *config.Config
	db          *db.DB
	log         *slog.Logger
	auth        credentials
	sessions    *sessions
	ui          *pages // the error page for a person whose sign-in could not be checked
	largeBodies map[string]int64
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	cop         *http.CrossOriginProtection
}

// credentials turns a Bearer token or a session cookie into a principal.
type credentials interface {
	Bearer(ctx context.Context, secret, ip string) (*auth.Principal, error)
	Session(ctx context.Context, token, ip string) (*auth.Principal, error)
}

func newChain(d Deps, ui *pages, sess *sessions) *chain {
	c := &chain{cfg: d.Config, db: d.DB, log: d.Log, auth: d.Auth, sessions: sess, ui: ui, largeBodies: d.LargeBodies}
	c.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "profhub_http_requests_total", Help: "HTTP requests by route pattern and status code.",
	}, []string{"route", "code"})
	c.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "profhub_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
	}, []string{"route"})
	d.Metrics.MustRegister(c.requests, c.latency)
	c.cop = http.NewCrossOriginProtection()
	// Webhooks come from providers' servers and the widget from other
	// sites by design; both authenticate in their own way, never by cookie.
	c.cop.AddInsecureBypassPattern("/hooks/")
	c.cop.AddInsecureBypassPattern("/widget/")
	// CalDAV clients and calendar feeds sign in with an app password or a
	// secret address (package calendar), never with a cookie.
	c.cop.AddInsecureBypassPattern("/dav")
	c.cop.AddInsecureBypassPattern("/dav/")
	return c
}

// wrap puts mux inside the chain. The innermost layer observes the route
// pattern the mux chose, so it must see the request the mux sees.
func (ch *chain) wrap(mux *http.ServeMux) http.Handler {
	var h http.Handler = ch.observe(mux)
	h = ch.checkCSRF(h)
	h = ch.authenticate(h)
	h = ch.cop.Handler(h)
	h = ch.limitBody(h)
	h = securityHeaders(h, ch.cfg.SecureCookies())
	h = ch.withRequestID(h)
	return ch.recoverPanics(h)
}

func (ch *chain) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				httpapi.Logger(r.Context()).Error("panic", "value", v, "stack", string(debug.Stack()))
				httpapi.Error(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// withRequestID takes the proxy's X-Request-Id when it is sane, or makes one,
// and echoes it so a user's report can be matched with the log.
func (ch *chain) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if len(id) == 0 || len(id) > 64 || strings.ContainsFunc(id, func(c rune) bool { return c < '!' || c > '~' }) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		log := ch.log.With("req", id)
		ctx := httpapi.WithRequest(r.Context(), id, log)
		ctx = httpapi.WithTranslator(ctx, translator(r.Header.Get("Accept-Language")))
		if ch.db != nil {
			// Error answers ask the database's breaker, so that a lookup
			// failed by an outage is not answered as "not found".
			ctx = httpapi.WithDependency(ctx, ch.db)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// translator answers in the signed-in user's language, else in the
// one the browser asks for (Russian when it names none we have). The
// user is read when the answer is written, after sign-in has run.
func translator(acceptLanguage string) httpapi.Translator {
	browser := i18n.Negotiate(acceptLanguage)
	return func(ctx context.Context, key string, args ...any) (string, bool) {
		lang := browser
		if p := auth.FromContext(ctx); p != nil && p.User.Lang != "" {
			lang = p.User.Lang
		}
		return i18n.Lookup(lang, key, args...)
	}
}

// contentSecurityPolicy lets pages load only the hub's own scripts and
// styles: message text from members and e-mail HTML can never run script
// in an operator's page, even if a sanitiser misses something.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// hstsPolicy keeps browsers on https for a year once they have seen the hub
// there. Subdomains are left alone: the hub often lives beside a union's
// other sites, which it has no say over.
const hstsPolicy = "max-age=31536000"

// securityHeaders sets the headers every answer carries; hsts when the
// public address is https (browsers ignore it on plain http anyway).
func securityHeaders(next http.Handler, hsts bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if hsts {
			h.Set("Strict-Transport-Security", hstsPolicy)
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		if !strings.HasPrefix(r.URL.Path, "/widget/") {
			h.Set("Content-Security-Policy", contentSecurityPolicy)
			h.Set("X-Frame-Options", "DENY")
		}
		next.ServeHTTP(w, r)
	})
}

func (ch *chain) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := ch.cfg.MaxBodyBytes
		for prefix, n := range ch.largeBodies {
			if strings.HasPrefix(r.URL.Path, prefix) {
				limit = n
			}
		}
		if r.ContentLength > limit {
			httpapi.Error(w, r, &http.MaxBytesError{Limit: limit})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// authenticate resolves a Bearer token or the session cookie into the
// request's principal. A bad Bearer token is refused outright; a bad cookie
// is dropped and the request goes on anonymously (to the login page).
func (ch *chain) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/hooks/") || strings.HasPrefix(r.URL.Path, "/widget/") || strings.HasPrefix(r.URL.Path, "/help/v1/") || r.URL.Path == "/metrics" ||
			r.URL.Path == "/dav" || strings.HasPrefix(r.URL.Path, "/dav/") || strings.HasPrefix(r.URL.Path, "/ical/") || r.URL.Path == "/.well-known/caldav" {
			// Public endpoints authenticate the way their provider defines
			// (channel tokens, signatures), /metrics by its own token; staff
			// credentials mean nothing there (nor on the help centre's
			// public API, whose vote a signed-in visitor also sends). CalDAV and the calendar feeds
			// check app passwords and secret addresses themselves.
			next.ServeHTTP(w, r)
			return
		}
		ip := ch.sessions.clientIP(r)
		var p *auth.Principal
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, token, _ := strings.Cut(h, " ")
			var err error
			if !strings.EqualFold(scheme, "Bearer") {
				err = auth.ErrNoSession
			} else {
				p, err = ch.auth.Bearer(r.Context(), strings.TrimSpace(token), ip)
			}
			if err != nil {
				// One line: a wrong token as a warning, an outage as an error.
				httpapi.Refuse(w, r, err, "ip", ip, "reason", "bad bearer token")
				return
			}
		} else if c, err := r.Cookie(sessionCookie); err == nil {
			p, err = ch.auth.Session(r.Context(), c.Value, ip)
			switch {
			case errors.Is(err, auth.ErrNoSession):
				ch.sessions.clearCookie(w)
			case err != nil:
				// The session could not be looked up (the database is
				// down): the user is not signed out, they must wait.
				ch.authFailed(w, r, err)
				return
			}
		}
		if p != nil {
			log := httpapi.Logger(r.Context()).With("user", p.User.Login)
			ctx := httpapi.WithRequest(r.Context(), httpapi.RequestID(r.Context()), log)
			r = r.WithContext(auth.WithPrincipal(ctx, p))
		}
		next.ServeHTTP(w, r)
	})
}

// authFailed answers a request whose credentials could not be checked:
// JSON for the API, the error page for a person.
func (ch *chain) authFailed(w http.ResponseWriter, r *http.Request, err error) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		httpapi.Error(w, r, err)
		return
	}
	ch.ui.fail(w, r, err)
}

// checkCSRF demands the session's token on every state-changing request
// made with a session cookie. Token-authenticated API calls carry no
// ambient credentials and need none.
func (ch *chain) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := auth.FromContext(r.Context())
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		if p == nil || p.ViaToken {
			next.ServeHTTP(w, r)
			return
		}
		token := r.Header.Get("X-CSRF-Token")
		if token == "" {
			token = r.PostFormValue("csrf_token")
		}
		if subtle.ConstantTimeCompare([]byte(token), []byte(p.CSRFToken)) != 1 {
			httpapi.Logger(r.Context()).Warn("csrf token missing or wrong", "path", r.URL.Path)
			httpapi.WriteJSON(w, http.StatusForbidden, httpapi.Problem{Error: httpapi.ProblemDetail{
				Code: "csrf", Message: httpapi.Text(r.Context(), "err.csrf", "missing or wrong CSRF token; reload the page"), RequestID: httpapi.RequestID(r.Context())}})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// observe logs each request once and counts it by route pattern (not by
// path, which would explode the metric with ids).
func (ch *chain) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		d := time.Since(start)
		ch.requests.WithLabelValues(route, fmt.Sprint(sw.status)).Inc()
		ch.latency.WithLabelValues(route).Observe(d.Seconds())
		httpapi.Logger(r.Context()).Debug("http", "method", r.Method, "path", r.URL.Path, "status", sw.status, "dur", d)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and Hijack (WebSockets).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := w.ResponseWriter.(http.Hijacker); ok {
		w.status = http.StatusSwitchingProtocols
		return h.Hijack()
	}
	return nil, nil, errors.New("web: connection cannot be hijacked")
}
