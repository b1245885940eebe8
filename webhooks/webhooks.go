// Package webhooks sends the hub's events to integrations: an
// administrator subscribes an endpoint (URL, chosen event types, a secret
// the hub generates), and every event of those types is POSTed to it,
// signed, in order, retried with backoff until the endpoint takes it.
//
// Events come from two kinds of source. The inbox's conversations and
// messages are read from its durable event log with a cursor kept in
// webhook_state and moved in the same transaction as the deliveries made
// from them, so nothing is lost or doubled across restarts and nodes.
// Appeals and mailings have no such log: their changes are handed to
// Publish after their own commit and written straight into the outbox
// (webhook_deliveries); a crash between that commit and Publish loses the
// event, which docs/API.md says.
package webhooks

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// Event types an endpoint may subscribe to.
const (
	ConversationUpdated = "conversation.updated"
	MessageCreated      = "message.created"
	MessageStatus       = "message.status"
	AppealChanged       = "appeal.changed"
	MailingChanged      = "mailing.changed"
)

// Types are the event types, in the order the form lists them.
var Types = []string{ConversationUpdated, MessageCreated, MessageStatus, AppealChanged, MailingChanged}

// Delivery states.
const (
	Pending = "pending"
	Sent    = "sent"
)

// Timeout is how long one attempt waits for an endpoint to answer.
const Timeout = 10 * time.Second

// claimFor is how long a node's claim on a delivery lasts: longer than an
// attempt, so a claim never lapses while its node still waits.
const claimFor = 3 * Timeout

// backoff is the wait after the n-th failed attempt (the last repeats): an
// endpoint down for a day is tried about once a day from then on, and
// never given up: its deliveries wait, in order, until it recovers or an
// administrator disables it.
var backoff = []time.Duration{10 * time.Second, time.Minute, 5 * time.Minute, 30 * time.Minute,
	2 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}

// Backoff is the wait before the attempt after the n-th failure (n ≥ 1).
func Backoff(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	if n > len(backoff) {
		n = len(backoff)
	}
	return backoff[n-1]
}

// LogEntry is one event of the inbox's log, as the port gives it.
type LogEntry struct {
	Seq     int64
	Kind    string // the inbox's kind: "message", "status", "conversation" …
	At      time.Time
	Payload []byte // the event's stored JSON
}

// EventLog is the inbox's durable event log.
type EventLog interface {
	// LoggedAfter is up to limit events past seq, in seq order.
	LoggedAfter(ctx context.Context, seq int64, limit int) ([]LogEntry, error)
	// LastLogged is the newest event's seq (0 for none).
	LastLogged(ctx context.Context) (int64, error)
}

// Sealer keeps the endpoints' secrets sealed at rest.
type Sealer interface {
	Seal(plain string) string
	Open(sealed string) (string, error)
}

// Deps are what the service needs.
type Deps struct {
	DB     *db.DB
	Log    *slog.Logger
	Events EventLog // nil: no inbox events
	// Feeds are other sources with an ordered log, by the name of
	// their cursor's row (the appeals' history).
	Feeds  map[string]Feed
	Box    Sealer
	NodeID string
	// AllowPrivate lets endpoints reach loopback and private addresses
	// (tests, or an integration inside the union's own network).
	AllowPrivate bool
	Now          func() time.Time
	// Client replaces the HTTP client (tests).
	Client *http.Client
	// Timeout replaces Timeout (tests of a hanging endpoint).
	Timeout time.Duration
}

// Service is the webhooks' store, fan-out and sender.
type Service struct {
	db           *db.DB
	log          *slog.Logger
	events       EventLog
	feeds        map[string]Feed
	box          Sealer
	node         string
	allowPrivate bool
	now          func() time.Time
	client       *http.Client
	timeout      time.Duration
	fanMu        sync.Mutex // one fan-out at a time in this process
}

// New builds the service.
func New(d Deps) *Service {
	s := &Service{db: d.DB, log: d.Log, events: d.Events, feeds: d.Feeds, box: d.Box, node: d.NodeID,
		allowPrivate: d.AllowPrivate, now: d.Now, client: d.Client, timeout: d.Timeout}
	if s.timeout <= 0 {
		s.timeout = Timeout
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.client == nil {
		s.client = newClient(d.AllowPrivate)
	}
	return s
}

// Run fans out and sends until ctx ends: each second, or at once after a
// step that had more to do.
func (s *Service) Run(ctx context.Context) {
	for {
		n, err := s.Step(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("webhooks: step failed; retrying", "err", err)
		}
		wait := time.Second
		if n > 0 && err == nil {
			wait = 50 * time.Millisecond
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// Step fans the new inbox events out and sends every due delivery once;
// it returns how many it fanned out and attempted.
func (s *Service) Step(ctx context.Context) (int, error) {
	n, err := s.fanOut(ctx)
	if err != nil {
		return n, err
	}
	for name, f := range s.feeds {
		k, err := s.followFeed(ctx, name, f)
		if err != nil {
			return n, err
		}
		n += k
	}
	m, err := s.sendDue(ctx)
	return n + m, err
}
