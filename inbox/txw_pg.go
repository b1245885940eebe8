package inbox

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/storage/db"
)

// flushEventsPG numbers and stores a transaction's events in one statement:
// on PostgreSQL every statement is a network round trip while the counter
// row is locked, so the counter bump and the insert travel together. The
// columns go as arrays, which keeps the text fixed whatever the number of
// events: it is prepared once per connection instead of once per batch
// size. The counter's row lock is still taken last in the transaction and
// held until commit, so events become visible in seq order as on SQLite.
const flushEventsPG = `WITH c AS (
		UPDATE inbox_counter SET seq = seq + cardinality($1::bigint[]) WHERE name = 'events' RETURNING seq
	), ins AS (
		INSERT INTO inbox_events (seq, at, kind, line_id, conversation_id, assignee_id, payload)
		SELECT c.seq - cardinality($1::bigint[]) + v.ord, v.at, v.kind, v.line_id, v.conversation_id, v.assignee_id,
			'{"seq":' || (c.seq - cardinality($1::bigint[]) + v.ord) || v.rest
		FROM c, unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
			WITH ORDINALITY AS v(at, kind, line_id, conversation_id, assignee_id, rest, ord)
	)
	SELECT seq FROM c`

// flushPostgres is flush's PostgreSQL form; payloads are the events' JSON
// after the seq field.
func (w *txw) flushPostgres(ctx context.Context, tx db.Execer, payloads [][]byte) error {
	n := len(w.events)
	at := make([]int64, n)
	kind, line, conv, asg, rest := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, ev := range w.events {
		at[i], kind[i], line[i], conv[i], asg[i], rest[i] = ev.At.UnixMilli(), ev.Kind, ev.LineID, ev.ConversationID, ev.AssigneeID, string(payloads[i])
	}
	var last int64
	if err := tx.QueryRowContext(ctx, flushEventsPG, at, kind, line, conv, asg, rest).Scan(&last); err != nil {
		return fmt.Errorf("inbox: events: %w", err)
	}
	for i, ev := range w.events {
		ev.Seq = last - int64(n) + 1 + int64(i)
		ev.raw = storedJSON(ev.Seq, payloads[i])
	}
	return nil
}
