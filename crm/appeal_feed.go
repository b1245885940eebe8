package crm

import (
	"context"
	"encoding/json"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// AppealFeedEntry is one line of an appeal's history for a reader that
// follows every appeal's history in order (the webhooks).
type AppealFeedEntry struct {
	ID        string         `json:"id"`
	AppealID  string         `json:"appeal_id"`
	Number    string         `json:"number"`
	Status    string         `json:"status"`
	Action    string         `json:"action"`
	ActorName string         `json:"actor_name"`
	At        time.Time      `json:"at"`
	Details   map[string]any `json:"details,omitempty"`
}

// appealFeedLag: history ids are time-ordered UUIDs given inside the
// writing transaction, so two transactions may commit out of id order;
// lines younger than this are left for the next read, so a reader's
// cursor never passes one that is still to commit.
const appealFeedLag = 5 * time.Second

// FeedAfter is up to limit history lines (every appeal's) with ids past
// after, older than the lag, in id order.
func (s *Appeals) FeedAfter(ctx context.Context, after string, limit int) ([]AppealFeedEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.appeal_id, a.number, a.status, e.action, e.actor_name, e.at, e.details
		FROM crm_appeal_events e JOIN crm_appeals a ON a.id = e.appeal_id
		WHERE e.id > $1 AND e.at < $2 ORDER BY e.id LIMIT $3`, after, db.Now()-appealFeedLag.Milliseconds(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AppealFeedEntry
	for rows.Next() {
		var e AppealFeedEntry
		var at int64
		var details string
		if err := rows.Scan(&e.ID, &e.AppealID, &e.Number, &e.Status, &e.Action, &e.ActorName, &at, &details); err != nil {
			return nil, err
		}
		e.At = db.Time(at)
		_ = json.Unmarshal([]byte(details), &e.Details)
		out = append(out, e)
	}
	return out, rows.Err()
}

// FeedEnd is the id of the newest history line, "" for none.
func (s *Appeals) FeedEnd(ctx context.Context) (string, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), '') FROM crm_appeal_events`).Scan(&id)
	return id, err
}
