package web

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/kv"
)

// probes answer the load balancer's health and readiness checks.
type probes struct {
	db  *db.DB
	kv  *kv.Client
	log *slog.Logger
}

func (p probes) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers 200 only when the database takes writes and Redis
// answers, so a load balancer stops sending traffic to a node that lost
// either; a database that answers pings but cannot store (disk full,
// read-only) is not ready either. It turns ready again by itself.
func (p probes) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	var problems []string
	if err := p.db.Check(ctx); err != nil {
		problems = append(problems, "database: "+err.Error())
	}
	if err := p.kv.Ping(ctx); err != nil {
		problems = append(problems, "redis: "+err.Error())
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if len(problems) > 0 {
		p.log.Warn("not ready", "problems", problems)
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
	prom := promhttp.HandlerFor(s.metrics, promhttp.HandlerOpts{})
	want := s.cfg.MetricsToken
	if want == "" {
		return prom
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(want)) != 1 {
			httpapi.Logger(r.Context()).Warn("metrics asked for without the metrics token", "ip", s.chain.sessions.clientIP(r))
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
	if s.cfg.MetricsToken == "" {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { httpapi.Error(w, r, db.ErrNotFound) })
	}
	return s.MetricsHandler()
}
