// Package web is the hub's HTTP front: the middleware every request passes
// (request ids, logging, metrics, limits, security headers, sign-in, CSRF),
// the health endpoints, the staff UI shell (sign-in, navigation, users and
// units administration, audit, profile) and the JSON API for the directory.
// Domain packages add their own routes to the same mux.
package web

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/kv"
	"github.com/profhub/profhub/org"
)

// Deps is what the web layer needs from the hub.
type Deps struct {
	Config  *config.Config
	DB      *db.DB
	KV      *kv.Client
	Auth    *auth.Service
	Org     *org.Store
	Blobs   blob.Store // users' avatars
	Log     *slog.Logger
	Metrics *prometheus.Registry
	Version string
	// LargeBodies raises the body limit for path prefixes that take uploads
	// or provider webhooks with files.
	LargeBodies map[string]int64
}

// Server renders pages and answers API calls.
type Server struct {
	Deps
	pages    *pages
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	cop      *http.CrossOriginProtection
}

// New prepares templates and metrics.
func New(d Deps) (*Server, error) {
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	s := &Server{Deps: d, pages: p}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "profhub_http_requests_total", Help: "HTTP requests by route pattern and status code.",
	}, []string{"route", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "profhub_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
	}, []string{"route"})
	d.Metrics.MustRegister(s.requests, s.latency)
	s.cop = http.NewCrossOriginProtection()
	// Webhooks come from providers' servers and the widget from other
	// sites by design; both authenticate in their own way, never by cookie.
	s.cop.AddInsecureBypassPattern("/hooks/")
	s.cop.AddInsecureBypassPattern("/widget/")
	return s, nil
}

// Handler wraps mux in the middleware chain. The innermost layer observes
// the route pattern the mux chose, so it must see the request the mux sees.
func (s *Server) Handler(mux *http.ServeMux) http.Handler {
	var h http.Handler = s.observe(mux)
	h = s.checkCSRF(h)
	h = s.authenticate(h)
	h = s.cop.Handler(h)
	h = s.limitBody(h)
	h = securityHeaders(h, s.Config.SecureCookies())
	h = s.withRequestID(h)
	return s.recoverPanics(h)
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers 200 only when the database takes writes and Redis
// answers, so a load balancer stops sending traffic to a node that lost
// either; a database that answers pings but cannot store (disk full,
// read-only) is not ready either. It turns ready again by itself.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	var problems []string
	if err := s.DB.Check(ctx); err != nil {
		problems = append(problems, "database: "+err.Error())
	}
	if err := s.KV.Ping(ctx); err != nil {
		problems = append(problems, "redis: "+err.Error())
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if len(problems) > 0 {
		s.Log.Warn("not ready", "problems", problems)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(strings.Join(problems, "\n") + "\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

// MetricsHandler serves the Prometheus metrics, to Bearer
// PROFHUB_METRICS_TOKEN when one is set. The hub serves it alone on
// PROFHUB_METRICS_LISTEN.
func (s *Server) MetricsHandler() http.Handler {
	prom := promhttp.HandlerFor(s.Metrics, promhttp.HandlerOpts{})
	want := s.Config.MetricsToken
	if want == "" {
		return prom
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(want)) != 1 {
			httpapi.Logger(r.Context()).Warn("metrics asked for without the metrics token", "ip", s.clientIP(r))
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			httpapi.Error(w, r, auth.ErrNoSession)
			return
		}
		prom.ServeHTTP(w, r)
	})
}

// publicMetrics is /metrics on the public listener: figures about load and
// layout are nobody's business, so it exists there only behind the metrics
// token, and answers 404 when none is configured.
func (s *Server) publicMetrics() http.Handler {
	if s.Config.MetricsToken == "" {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { httpapi.Error(w, r, db.ErrNotFound) })
	}
	return s.MetricsHandler()
}
