package webhooks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"

	"github.com/profhub/profhub/internal/storage/db"
)

// AutomationRule is the event an automation rule's "call a webhook" step
// sends to the one endpoint it names, whatever the endpoint subscribed to.
const AutomationRule = "automation.rule"

// ErrNoEndpoint: the endpoint does not exist or is disabled (a disabled
// endpoint takes no new events).
var ErrNoEndpoint = fmt.Errorf("webhooks: no such enabled endpoint: %w", db.ErrNotFound)

// Target is an enabled endpoint as another package shows it: its id and
// its address without the query (which may carry a key).
type Target struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func targetName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Host + u.EscapedPath()
}

// Target is one enabled endpoint, or ErrNoEndpoint.
func (s *Service) Target(ctx context.Context, id string) (Target, error) {
	var u string
	err := s.db.QueryRowContext(ctx, `SELECT url FROM webhook_endpoints WHERE id = $1 AND enabled`, id).Scan(&u)
	if errors.Is(err, sql.ErrNoRows) {
		return Target{}, ErrNoEndpoint
	}
	if err != nil {
		return Target{}, fmt.Errorf("webhooks: endpoint: %w", err)
	}
	return Target{ID: id, Name: targetName(u)}, nil
}

// Targets are the enabled endpoints, oldest first.
func (s *Service) Targets(ctx context.Context) ([]Target, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, url FROM webhook_endpoints WHERE enabled ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("webhooks: endpoints: %w", err)
	}
	defer rows.Close()
	out := []Target{}
	for rows.Next() {
		var t Target
		var u string
		if err := rows.Scan(&t.ID, &u); err != nil {
			return nil, err
		}
		t.Name = targetName(u)
		out = append(out, t)
	}
	return out, rows.Err()
}

// Deliver queues one event of eventType for the one endpoint named, in
// the durable outbox: it is signed, sent in order after the endpoint's
// earlier deliveries and retried with Backoff like every other. id is
// the event's (a receiver drops a repeat by it). A missing or disabled
// endpoint is ErrNoEndpoint, and nothing is queued.
func (s *Service) Deliver(ctx context.Context, endpointID, id, eventType string, data any) error {
	env, err := newEnvelope(id, eventType, s.now(), data)
	if err != nil {
		return fmt.Errorf("webhooks: deliver %s: %w", eventType, err)
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var on bool
		err := tx.QueryRowContext(ctx, `SELECT enabled FROM webhook_endpoints WHERE id = $1`, endpointID).Scan(&on)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !on) {
			return ErrNoEndpoint
		}
		if err != nil {
			return fmt.Errorf("webhooks: deliver: %w", err)
		}
		return s.enqueue(ctx, tx, []subscriber{{id: endpointID, events: []string{eventType}}}, env)
	})
}
