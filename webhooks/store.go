package webhooks

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Endpoint is a subscribed URL. Secret is only filled when it is created
// (the one time the administrator sees it).
type Endpoint struct {
	ID        string   `json:"id"`
	URL       string   `json:"url"`
	Events    []string `json:"events"`
	Enabled   bool     `json:"enabled"`
	Secret    string   `json:"secret,omitempty"`
	CreatedAt int64    `json:"created_at"`
	Pending   int      `json:"pending"` // deliveries not yet taken
}

// Delivery is one event for one endpoint, as the log shows it.
type Delivery struct {
	ID        string `json:"id"`
	Seq       int64  `json:"seq"`
	EventType string `json:"event_type"`
	Status    string `json:"status"`
	Attempts  int    `json:"attempts"`
	LastCode  int    `json:"last_code"`
	LastError string `json:"last_error,omitempty"`
	NextAt    int64  `json:"next_at,omitempty"` // ms; for a pending one
	CreatedAt int64  `json:"created_at"`
	SentAt    int64  `json:"sent_at,omitempty"`
}

// Input is the form of a new endpoint.
type Input struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

// allowed: webhooks carry events of the whole installation, so only an
// administrator of the root unit may manage them.
func allowed(sc access.Scope) error {
	if err := sc.Require(access.ManageSettings); err != nil {
		return err
	}
	// The root unit's path is "/<id>/"; the system's scope is "/".
	if strings.Count(sc.UnitPath, "/") > 2 {
		return fmt.Errorf("%w: webhooks are managed at the root unit", access.ErrForbidden)
	}
	return nil
}

// checkURL refuses what is not an http(s) URL and, unless private
// addresses are allowed, a host that is a loopback, private or
// link-local address by name. A name that resolves to one is refused
// when it is dialled (client.go).
func (s *Service) checkURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(raw) > 2000 {
		return "", valid.Keyed("url", "invalid", "webhook_url", "the endpoint's address must be an http or https URL")
	}
	if u.User != nil {
		return "", valid.Keyed("url", "invalid", "webhook_url", "the endpoint's address must be an http or https URL")
	}
	if !s.allowPrivate {
		host := u.Hostname()
		ip := net.ParseIP(host)
		if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") || (ip != nil && privateIP(ip)) {
			return "", valid.Keyed("url", "invalid", "webhook_private", "the endpoint may not be a private or local address of the hub")
		}
	}
	return u.String(), nil
}

// Create subscribes an endpoint and returns it with its secret.
func (s *Service) Create(ctx context.Context, sc access.Scope, in Input) (Endpoint, error) {
	if err := allowed(sc); err != nil {
		return Endpoint{}, err
	}
	u, err := s.checkURL(in.URL)
	if err != nil {
		return Endpoint{}, err
	}
	var events []string
	for _, t := range in.Events {
		if !slices.Contains(Types, t) {
			return Endpoint{}, valid.Keyed("events", "invalid", "webhook_events", "choose the events to send")
		}
		if !slices.Contains(events, t) {
			events = append(events, t)
		}
	}
	if len(events) == 0 {
		return Endpoint{}, valid.Keyed("events", "invalid", "webhook_events", "choose the events to send")
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	secret := "whsec_" + hex.EncodeToString(b)
	e := Endpoint{ID: uuid.Must(uuid.NewV7()).String(), URL: u, Events: events, Enabled: true, Secret: secret, CreatedAt: s.now().UnixMilli()}
	_, err = s.db.ExecContext(ctx, `INSERT INTO webhook_endpoints (id, url, secret, events, enabled, created_by, created_at)
		VALUES ($1, $2, $3, $4, TRUE, $5, $6)`, e.ID, e.URL, s.box.Seal(secret), strings.Join(events, ","), sc.UserID, e.CreatedAt)
	if err != nil {
		return Endpoint{}, fmt.Errorf("webhooks: create: %w", err)
	}
	s.log.Info("webhook endpoint subscribed", "endpoint", e.ID, "url", e.URL, "by", sc.UserID)
	return e, nil
}

// List is every endpoint, with how many deliveries each has waiting.
func (s *Service) List(ctx context.Context, sc access.Scope) ([]Endpoint, error) {
	if err := allowed(sc); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.url, e.events, e.enabled, e.created_at,
		(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending')
		FROM webhook_endpoints e ORDER BY e.created_at`)
	if err != nil {
		return nil, fmt.Errorf("webhooks: list: %w", err)
	}
	defer rows.Close()
	out := []Endpoint{}
	for rows.Next() {
		var e Endpoint
		var events string
		if err := rows.Scan(&e.ID, &e.URL, &events, &e.Enabled, &e.CreatedAt, &e.Pending); err != nil {
			return nil, err
		}
		e.Events = strings.Split(events, ",")
		out = append(out, e)
	}
	return out, rows.Err()
}

// SetEnabled turns an endpoint off (its deliveries wait, and new events
// are not queued for it) or on again.
func (s *Service) SetEnabled(ctx context.Context, sc access.Scope, id string, on bool) error {
	if err := allowed(sc); err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE webhook_endpoints SET enabled = $1 WHERE id = $2`, on, id)
	if err != nil {
		return fmt.Errorf("webhooks: enable: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	s.log.Info("webhook endpoint switched", "endpoint", id, "enabled", on, "by", sc.UserID)
	return nil
}

// Deliveries is an endpoint's log, newest first.
func (s *Service) Deliveries(ctx context.Context, sc access.Scope, endpointID string, limit int) ([]Delivery, error) {
	if err := allowed(sc); err != nil {
		return nil, err
	}
	var one int
	if err := s.db.QueryRowContext(ctx, `SELECT 1 FROM webhook_endpoints WHERE id = $1`, endpointID).Scan(&one); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, db.ErrNotFound
		}
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, seq, event_type, status, attempts, last_code, last_error, next_at, created_at, sent_at
		FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY seq DESC LIMIT $2`, endpointID, limit)
	if err != nil {
		return nil, fmt.Errorf("webhooks: deliveries: %w", err)
	}
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		var d Delivery
		if err := rows.Scan(&d.ID, &d.Seq, &d.EventType, &d.Status, &d.Attempts, &d.LastCode, &d.LastError, &d.NextAt, &d.CreatedAt, &d.SentAt); err != nil {
			return nil, err
		}
		if d.Status != Pending {
			d.NextAt = 0
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Resend queues a delivery again at once: a sent one is sent once more
// (same id, so the receiver can tell), a waiting one skips its backoff.
func (s *Service) Resend(ctx context.Context, sc access.Scope, deliveryID string) error {
	if err := allowed(sc); err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'pending', next_at = $1 WHERE id = $2`,
		s.now().UnixMilli(), deliveryID)
	if err != nil {
		return fmt.Errorf("webhooks: resend: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	s.log.Info("webhook delivery queued again", "delivery", deliveryID, "by", sc.UserID)
	return nil
}

// Keep is how long a delivered event stays in the log.
const Keep = 30 * 24 * time.Hour

// Purge drops the deliveries taken more than Keep ago; waiting ones stay
// however old they are.
func (s *Service) Purge(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE status = 'sent' AND sent_at < $1`, s.now().Add(-Keep).UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("webhooks: purge: %w", err)
	}
	return res.RowsAffected()
}
