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
	evs, err := es.events.logAfter(ctx, seq, limit)
	if err != nil {
		return nil, err
	}
	out := make([]LoggedEvent, len(evs))
	for i, ev := range evs {
		out[i] = LoggedEvent{Seq: ev.Seq, Kind: ev.Kind, At: ev.At, Payload: ev.raw}
	}
	return out, nil
}

// LastLogged is the newest event's seq, 0 when the log is empty.
func (es *Events) LastLogged(ctx context.Context) (int64, error) {
	var seq int64
	err := es.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM inbox_events`).Scan(&seq)
	return seq, err
}
