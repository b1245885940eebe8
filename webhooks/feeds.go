package webhooks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// FeedEntry is one entry of a source's own ordered log (the appeals'
// history), with the cursor that stands after it.
type FeedEntry struct {
	Cursor string
	ID     string // the event's id, the same on every attempt
	Type   string
	At     time.Time
	Data   any
}

// Feed is a source with an ordered log of its own, read with a text
// cursor kept in webhook_state.
type Feed interface {
	// FeedAfter is up to limit entries past cursor, in order.
	FeedAfter(ctx context.Context, cursor string, limit int) ([]FeedEntry, error)
	// FeedEnd is the cursor after the newest entry.
	FeedEnd(ctx context.Context) (string, error)
}

// Observed is an item of a source without a log (a mailing campaign),
// watched by its state: a state other than the last one seen is an event.
type Observed struct {
	ID, State string
	Data      any
}

// followFeed fans one batch of a feed out, as fanOut does the inbox's
// log: the cursor moves only if it still stands where it was read.
func (s *Service) followFeed(ctx context.Context, name string, f Feed) (int, error) {
	var placed int64
	var cursor string
	err := s.db.QueryRowContext(ctx, `SELECT value, cursor FROM webhook_state WHERE name = $1`, name).Scan(&placed, &cursor)
	if errors.Is(err, sql.ErrNoRows) {
		end, err := f.FeedEnd(ctx)
		if err != nil {
			return 0, err
		}
		_, err = s.db.ExecContext(ctx, `INSERT INTO webhook_state (name, value, cursor) VALUES ($1, 0, $2) ON CONFLICT (name) DO NOTHING`, name, end)
		return 0, err
	}
	if err != nil {
		return 0, fmt.Errorf("webhooks: %s cursor: %w", name, err)
	}
	entries, err := f.FeedAfter(ctx, cursor, fanBatch)
	if err != nil || len(entries) == 0 {
		return 0, err
	}
	next := entries[len(entries)-1].Cursor
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhook_state SET cursor = $1 WHERE name = $2 AND cursor = $3`, next, name, cursor)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		subs, err := subscribers(ctx, tx)
		if err != nil || len(subs) == 0 {
			return err
		}
		for _, e := range entries {
			env, err := newEnvelope(e.ID, e.Type, e.At, e.Data)
			if err != nil {
				return err
			}
			if err := s.enqueue(ctx, tx, subs, env); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("webhooks: follow %s: %w", name, err)
	}
	return len(entries), nil
}

// Observe queues eventType for every item whose state differs from the
// last one seen of source, and notes the new state in the same
// transaction, so a change is sent once even across restarts and nodes.
// An item seen for the first time is only noted: its earlier history is
// not sent. States that came and went between two looks are not seen.
func (s *Service) Observe(ctx context.Context, source, eventType string, items []Observed) (int, error) {
	sent := 0
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		subs, err := subscribers(ctx, tx)
		if err != nil {
			return err
		}
		for _, it := range items {
			var seen string
			err := tx.QueryRowContext(ctx, `SELECT state FROM webhook_seen WHERE source = $1 AND item_id = $2`, source, it.ID).Scan(&seen)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_seen (source, item_id, state) VALUES ($1, $2, $3)`, source, it.ID, it.State); err != nil {
					return err
				}
				continue
			case err != nil:
				return err
			case seen == it.State:
				continue
			}
			// UPDATE … WHERE state = seen: of two nodes noting the same
			// change, one updates the row and queues the event.
			res, err := tx.ExecContext(ctx, `UPDATE webhook_seen SET state = $1 WHERE source = $2 AND item_id = $3 AND state = $4`, it.State, source, it.ID, seen)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			env, err := newEnvelope(source+"-"+it.ID+"-"+it.State+"-"+fmt.Sprint(s.now().UnixMilli()), eventType, s.now(), it.Data)
			if err != nil {
				return err
			}
			if err := s.enqueue(ctx, tx, subs, env); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	return sent, err
}
