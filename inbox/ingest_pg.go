package inbox

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/profhub/profhub/internal/storage/db"
)

// PostgreSQL forms of the batch ingest statements. Each statement is a
// network round trip, and a text that changes with the batch size is parsed
// and planned anew on every connection for every size; so here the rows go
// as array parameters (one fixed text, prepared once per connection) and
// steps that follow one another are joined in one statement.

// identitiesPG looks each key up by the primary key. Written as IN
// (SELECT unnest …) or a plain join, the planner (estimating ten keys)
// hashed the keys and scanned every identity; the lateral subquery keeps
// it to one index probe per key, whatever the table's size.
const identitiesPG = `SELECT i.namespace, i.external_id, i.contact_id, COALESCE(c.id, ''), COALESCE(c.line_id, ''), COALESCE(ct.name, ''),
	COALESCE(c.thread_key, '')
	FROM unnest($1::text[], $2::text[]) AS k(ns, ext)
	CROSS JOIN LATERAL (SELECT namespace, external_id, contact_id FROM inbox_identities
		WHERE namespace = k.ns AND external_id = k.ext OFFSET 0) i
	LEFT JOIN inbox_contacts ct ON ct.id = i.contact_id
	LEFT JOIN inbox_conversations c ON c.contact_id = i.contact_id AND c.status <> 'closed'`

// storeInboundSQLPG bumps the conversations and inserts the messages in one
// statement: each message's seq is its conversation's new last_seq, minus
// the conversation's count in the batch, plus its ordinal (1-based) among
// them. The last column counts the messages inserted; fewer than sent
// means a replay raced its original.
const storeInboundSQLPG = `WITH b AS (
		UPDATE inbox_conversations SET last_seq = last_seq + v.n, unread = unread + v.n,
			last_message_at = $1, last_inbound_at = $1, updated_at = $1, snoozed_until = 0
		FROM unnest($2::text[], $3::bigint[]) AS v(cid, n) WHERE inbox_conversations.id = v.cid
		RETURNING ` + bumpColumns + `, v.n AS bumped_by
	), m AS (
		INSERT INTO inbox_messages (id, conversation_id, seq, direction, channel_id, external_id,
			author_id, text, attachments, created_at, updated_at)
		SELECT x.mid, x.conv, b.last_seq - b.bumped_by + x.k, 'in', x.chan, x.ext, '', x.body, x.att, $1, $1
		FROM unnest($4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[])
			AS x(mid, conv, k, chan, ext, body, att)
		JOIN b ON b.id = x.conv
		ON CONFLICT DO NOTHING RETURNING 1
	)
	SELECT ` + bumpColumns + `, (SELECT count(*) FROM m) FROM b`

// storeInboundPG is storeInbound in one round trip.
func storeInboundPG(ctx context.Context, tx db.Execer, convs map[string]*Conversation, msgs []Message, now int64) error {
	counts, order := batchCounts(msgs)
	n := make([]int64, len(order))
	for i, id := range order {
		n[i] = counts[id]
	}
	k := len(msgs)
	mid, conv, ch, ext, body, att := make([]string, k), make([]string, k), make([]string, k), make([]string, k), make([]string, k), make([]string, k)
	ord := make([]int64, k)
	for i, m := range msgs {
		a, _ := json.Marshal(m.Attachments)
		mid[i], conv[i], ord[i], ch[i], ext[i], body[i], att[i] = m.ID, m.ConversationID, m.Seq, m.ChannelID, m.ExternalID, m.Text, string(a)
	}
	rows, err := tx.QueryContext(ctx, storeInboundSQLPG, now, order, n, mid, conv, ord, ch, ext, body, att)
	if err != nil {
		return fmt.Errorf("inbox: store messages: %w", err)
	}
	var inserted int64
	if err := scanBumpedInto(rows, convs, &inserted); err != nil {
		return err
	}
	if inserted != int64(k) {
		return errDuplicate
	}
	for i := range msgs {
		m := &msgs[i]
		m.Seq += convs[m.ConversationID].LastSeq - counts[m.ConversationID]
	}
	return nil
}
