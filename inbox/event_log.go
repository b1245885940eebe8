package inbox

import (
	"context"
	"time"
)

// LoggedEvent is one persistent event as the log stores it, for readers
// outside the inbox that follow the log with a cursor of their own (the
// webhooks). Payload is the event's stored JSON, as clients get it.
type LoggedEvent struct {
	Seq     int64
	Kind    string
	At      time.Time
	Payload []byte
}

// LoggedAfter is up to limit committed events past seq, in seq order.
func (es *Events) LoggedAfter(ctx context.Context, seq int64, limit int) ([]LoggedEvent, error) {
	rows, err := es.db.QueryContext(ctx, `SELECT seq, kind, at, payload FROM inbox_events WHERE seq > $1 ORDER BY seq LIMIT $2`, seq, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LoggedEvent
	for rows.Next() {
		var ev LoggedEvent
		var at int64
		if err := rows.Scan(&ev.Seq, &ev.Kind, &at, &ev.Payload); err != nil {
			return nil, err
		}
		ev.At = time.UnixMilli(at)
		out = append(out, ev)
	}
	return out, rows.Err()
}

// LastLogged is the newest event's seq, 0 when the log is empty.
func (es *Events) LastLogged(ctx context.Context) (int64, error) {
	var seq int64
	err := es.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM inbox_events`).Scan(&seq)
	return seq, err
}
