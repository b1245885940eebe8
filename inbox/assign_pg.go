package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/storage/db"
)

// assignStatementPG is an assignment on PostgreSQL in one round trip: the
// conditional UPDATE (which also bumps the sequence for the system
// message, as appendMessage would), the contact's last operator, the
// system message and the routing log's row, returning the conversation as
// conversationTx reads it. Statement by statement it was six round trips
// (with the group's savepoint) that the whole group waited for, one take
// after another: a crowd of 1,200 takes paid 7,200 of them.
//
// Every part reads the one row the UPDATE returned, so when the condition
// fails (someone else holds it) nothing is written and no row comes back.
// The UPDATE takes the row lock as before: a later write to the
// conversation numbers after this one.
const assignStatementPG = `WITH assigned AS (
	UPDATE inbox_conversations SET status = 'active', assignee_id = $2, assigned_at = $3, updated_at = $3,
		last_seq = last_seq + 1, last_message_at = $3
	WHERE id = $1 AND status = $4 RETURNING *
), contact AS (
	UPDATE inbox_contacts SET last_operator_id = $2 WHERE id IN (SELECT contact_id FROM assigned)
), message AS (
	INSERT INTO inbox_messages (id, conversation_id, seq, direction, channel_id, author_id, text, attachments, status,
		created_at, updated_at, sent_at, private)
	SELECT $5::text, a.id, a.last_seq, $6::text, a.channel_id, '', $7::text, '[]', '', $3::bigint, $3::bigint, 0, false FROM assigned a
), logged AS (
	INSERT INTO inbox_routing_log (id, conversation_id, line_id, at, decision, operator_id, reason)
	SELECT $8::text, a.id, $9::text, $10::bigint, $11::text, $2::text, $12::text FROM assigned a
)
SELECT ` + convColumns + ` FROM assigned c JOIN inbox_channels ch ON ch.id = c.channel_id JOIN inbox_contacts ct ON ct.id = c.contact_id`

// assignOnePG writes what assignInSQL's statements write, in one
// statement, and adds the system message's event as systemMessage does.
// from is the status the conversation must still have.
func assignOnePG(ctx context.Context, tx db.Execer, w *txw, convID, from, op, decision string, msgData map[string]any, log routingRow) (Conversation, error) {
	now := db.Now()
	m := newSystemMessagePG(convID, decision, msgData, now)
	reason, _ := json.Marshal(log.reason)
	return runWithSystemMessagePG(ctx, tx, w, m, ErrNotWaiting, "assign", assignStatementPG, convID, op, now, from,
		m.ID, m.Direction, m.Text, log.id, log.lineID, log.at, log.decision, string(reason))
}

// closeStatementPG is a close on PostgreSQL in one round trip, as
// assignStatementPG is a take: the conditional UPDATE with the system
// message's sequence bump, and the message, returning the conversation.
const closeStatementPG = `WITH closed AS (
	UPDATE inbox_conversations SET status = 'closed', closed_at = $2, closed_by = $3, spam = $4, unread = 0, updated_at = $2,
		last_seq = last_seq + 1, last_message_at = $2
	WHERE id = $1 AND status <> 'closed' RETURNING *
), message AS (
	INSERT INTO inbox_messages (id, conversation_id, seq, direction, channel_id, author_id, text, attachments, status,
		created_at, updated_at, sent_at, private)
	SELECT $5::text, a.id, a.last_seq, $6::text, a.channel_id, '', $7::text, '[]', '', $2::bigint, $2::bigint, 0, false FROM closed a
)
SELECT ` + convColumns + ` FROM closed c JOIN inbox_channels ch ON ch.id = c.channel_id JOIN inbox_contacts ct ON ct.id = c.contact_id`

// closeOnePG writes what closeConversation's statements write, in one
// statement, and adds the system message's event as systemMessage does.
func closeOnePG(ctx context.Context, tx db.Execer, w *txw, convID, by, code string, spam bool) (Conversation, error) {
	now := db.Now()
	m := newSystemMessagePG(convID, code, map[string]any{"by": by}, now)
	return runWithSystemMessagePG(ctx, tx, w, m, ErrClosed, "close", closeStatementPG, convID, now, by, spam, m.ID, m.Direction, m.Text)
}

// newSystemMessagePG is a system message that one statement writes with
// its conversation's update; the statement gives it its seq.
func newSystemMessagePG(convID, code string, data map[string]any, now int64) Message {
	return Message{ID: uuid.Must(uuid.NewV7()).String(), ConversationID: convID, Direction: DirSystem, Text: systemText(code, data),
		Attachments: []Attachment{}, CreatedAt: ms(now)}
}

// runWithSystemMessagePG runs such a statement, which returns the
// conversation or, when its condition failed, no row (notFound), and adds
// the system message's event as systemMessage does.
func runWithSystemMessagePG(ctx context.Context, tx db.Execer, w *txw, m Message, notFound error, what, query string, args ...any) (Conversation, error) {
	conv, err := scanConversation(tx.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return conv, notFound
	}
	if err != nil {
		return conv, fmt.Errorf("inbox: %s: %w", what, err)
	}
	m.ChannelID, m.Seq = conv.ChannelID, conv.LastSeq
	w.add(msgEvent(conv, m))
	return conv, nil
}
