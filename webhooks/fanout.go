package webhooks

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/storage/db"
)

// fanBatch is how many inbox events one fan-out transaction takes.
const fanBatch = 200

// inboxTypes maps the inbox's persistent event kinds to event types;
// kinds not here (alerts) are not sent.
var inboxTypes = map[string]string{"message": MessageCreated, "status": MessageStatus, "conversation": ConversationUpdated}

// envelope is the body of every delivery. ID is the event's: the same
// for every endpoint and every attempt, so a receiver drops a repeat.
type envelope struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	CreatedAt time.Time       `json:"created_at"`
	Data      json.RawMessage `json:"data"`
}

func newEnvelope(id, eventType string, at time.Time, data any) (envelope, error) {
	raw, err := json.Marshal(data)
	return envelope{ID: id, Type: eventType, CreatedAt: at.UTC(), Data: raw}, err
}

type subscriber struct {
	id     string
	events []string
}

// fanOut turns the inbox events past the cursor into deliveries. The
// events are read first, then the cursor is moved in the transaction
// that writes the deliveries only if it still stands where it was read:
// another node that got there first makes this one's batch a no-op.
func (s *Service) fanOut(ctx context.Context) (int, error) {
	if s.events == nil {
		return 0, nil
	}
	s.fanMu.Lock()
	defer s.fanMu.Unlock()
	var cursor int64
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM webhook_state WHERE name = 'inbox'`).Scan(&cursor); err != nil {
		return 0, fmt.Errorf("webhooks: cursor: %w", err)
	}
	if cursor < 0 {
		// The first run starts at the log's end: events from before
		// webhooks existed are not sent.
		last, err := s.events.LastLogged(ctx)
		if err != nil {
			return 0, err
		}
		_, err = s.db.ExecContext(ctx, `UPDATE webhook_state SET value = $1 WHERE name = 'inbox' AND value = $2`, last, cursor)
		return 0, err
	}
	if skipped, err := s.skipUnsubscribed(ctx, cursor); skipped || err != nil {
		return 0, err
	}
	evs, err := s.events.LoggedAfter(ctx, cursor, fanBatch)
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	next := evs[len(evs)-1].Seq
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhook_state SET value = $1 WHERE name = 'inbox' AND value = $2`, next, cursor)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // another node fanned this batch out
		}
		subs, err := subscribers(ctx, tx)
		if err != nil || len(subs) == 0 {
			return err
		}
		for _, ev := range evs {
			t, ok := inboxTypes[ev.Kind]
			if !ok {
				continue
			}
			env := envelope{ID: "inbox-" + strconv.FormatInt(ev.Seq, 10), Type: t, CreatedAt: ev.At.UTC(), Data: ev.Payload}
			if err := s.enqueue(ctx, tx, subs, env); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("webhooks: fan out: %w", err)
	}
	return len(evs), nil
}

// skipUnsubscribed moves the cursor to the log's end without reading the
// events when no endpoint is subscribed: reading them and writing the
// cursor every 50 ms took the hub's CPU and SQLite's one writer from
// ingest, for nothing. The end is read before the endpoints, so an
// endpoint enabled meanwhile gets every event logged after it.
func (s *Service) skipUnsubscribed(ctx context.Context, cursor int64) (bool, error) {
	last, err := s.events.LastLogged(ctx)
	if err != nil {
		return false, fmt.Errorf("webhooks: log end: %w", err)
	}
	subs, err := subscribers(ctx, s.db)
	if err != nil || len(subs) > 0 {
		return false, err
	}
	if last > cursor {
		_, err = s.db.ExecContext(ctx, `UPDATE webhook_state SET value = $1 WHERE name = 'inbox' AND value = $2`, last, cursor)
	}
	return true, err
}

// Publish queues an event of a source without a durable log (appeals,
// mailings) for every endpoint subscribed to it. It is called after the
// source's commit: a crash in between loses the event.
func (s *Service) Publish(ctx context.Context, eventType string, data any) error {
	env, err := newEnvelope(uuid.Must(uuid.NewV7()).String(), eventType, s.now(), data)
	if err != nil {
		return fmt.Errorf("webhooks: publish %s: %w", eventType, err)
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		subs, err := subscribers(ctx, tx)
		if err != nil {
			return err
		}
		return s.enqueue(ctx, tx, subs, env)
	})
}

func subscribers(ctx context.Context, tx db.Execer) ([]subscriber, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, events FROM webhook_endpoints WHERE enabled ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []subscriber
	for rows.Next() {
		var sub subscriber
		var events string
		if err := rows.Scan(&sub.id, &events); err != nil {
			return nil, err
		}
		sub.events = strings.Split(events, ",")
		out = append(out, sub)
	}
	return out, rows.Err()
}

// enqueue writes one delivery of env for each endpoint subscribed to its
// type, numbered from the 'seq' counter (whose row also serialises the
// writers on PostgreSQL, so the numbers are in commit order).
func (s *Service) enqueue(ctx context.Context, tx db.Execer, subs []subscriber, env envelope) error {
	var to []string
	for _, sub := range subs {
		if slices.Contains(sub.events, env.Type) {
			to = append(to, sub.id)
		}
	}
	if len(to) == 0 {
		return nil
	}
	body, err := json.Marshal(env)
	if err != nil {
		return err
	}
	var last int64
	if err := tx.QueryRowContext(ctx, `UPDATE webhook_state SET value = value + $1 WHERE name = 'seq' RETURNING value`, len(to)).Scan(&last); err != nil {
		return fmt.Errorf("webhooks: number: %w", err)
	}
	now := s.now().UnixMilli()
	for i, id := range to {
		seq := last - int64(len(to)) + 1 + int64(i)
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (id, endpoint_id, seq, event_type, body, next_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, uuid.Must(uuid.NewV7()).String(), id, seq, env.Type, string(body), now, now); err != nil {
			return fmt.Errorf("webhooks: queue: %w", err)
		}
	}
	return nil
}
