package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/profhub/profhub/internal/storage/db"
)

// A crowd of operators taking and handing over conversations at once
// fills the group writer with assignments. Each is one statement on
// PostgreSQL (assign_pg.go), but one after another: a group of 128 spent
// about a hundred milliseconds in round trips, of which a third was the
// server's work, while the other callers queued behind it. Here a group's
// assignments are stored in one statement, as its posts are.

// rowWrite is what the writes a group stores in one statement share: the
// conversation as their caller read it, and finish, which completes the
// write in the writing transaction once its row is updated (its events,
// an alert, a rating request), as the write alone would.
type rowWrite struct {
	conv   Conversation
	finish func(ctx context.Context, tx db.Execer, w *txw, conv Conversation) error
}

// assignWrite is an assignment: the conversation goes from status from
// to operator op, with a system message and a routing log row.
type assignWrite struct {
	rowWrite
	from, op, decision string
	msgData            map[string]any
	log                routingRow
}

// storeAssignsSQL is assignStatementPG for many conversations, each
// once: the conditional UPDATE bumps each row's seq for its system
// message; the contacts, messages and routing rows follow the rows it
// returned, so a conversation whose status changed meanwhile writes
// nothing and returns no row.
const storeAssignsSQL = `WITH v AS (
	SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
		$10::bigint[], $11::text[], $12::text[])
		AS v(conv, from_status, op, msg_id, msg_dir, msg_text, log_id, line_id, log_at, decision, reason)
), assigned AS (
	UPDATE inbox_conversations c SET status = 'active', assignee_id = v.op, assigned_at = $1, updated_at = $1,
		last_seq = c.last_seq + 1, last_message_at = $1
	FROM v WHERE c.id = v.conv AND c.status = v.from_status
	RETURNING c.*, v.msg_id, v.msg_dir, v.msg_text, v.log_id, v.line_id AS log_line, v.log_at, v.decision, v.reason
), contact AS (
	UPDATE inbox_contacts ct SET last_operator_id = a.assignee_id FROM assigned a WHERE ct.id = a.contact_id
), message AS (
	INSERT INTO inbox_messages (id, conversation_id, seq, direction, channel_id, author_id, text, attachments, status,
		created_at, updated_at, sent_at, private)
	SELECT a.msg_id, a.id, a.last_seq, a.msg_dir, a.channel_id, '', a.msg_text, '[]', '', $1, $1, 0, false FROM assigned a
), logged AS (
	INSERT INTO inbox_routing_log (id, conversation_id, line_id, at, decision, operator_id, reason)
	SELECT a.log_id, a.id, a.log_line, a.log_at, a.decision, a.assignee_id, a.reason FROM assigned a
)
SELECT ` + convColumns + ` FROM assigned c JOIN inbox_channels ch ON ch.id = c.channel_id JOIN inbox_contacts ct ON ct.id = c.contact_id`

// leadingAssigns counts the assignments at the head of group that one
// statement may store: each of another conversation and another contact.
// Two writes to one row would see its state before either, where one
// after the other the second sees the first's; those go one by one.
func leadingAssigns(group []*pendingWrite) int {
	convs, contacts := map[string]bool{}, map[string]bool{}
	n := 0
	for n < len(group) && group[n].assign != nil {
		a := group[n].assign
		if convs[a.conv.ID] || contacts[a.conv.ContactID] {
			return 0
		}
		convs[a.conv.ID], contacts[a.conv.ContactID] = true, true
		n++
	}
	return n
}

// storeAssignsPG stores the group's leading assignments (leadingAssigns)
// in one statement and finishes each, as its fn would have alone; it
// returns how many it stored. A refused one (its conversation changed)
// gets ErrNotWaiting and writes nothing. Any other failure may have left
// the transaction aborted: errBareFailed, and the group is written again
// one write at a time.
func storeAssignsPG(ctx context.Context, tx db.Execer, group []*pendingWrite) (int, error) {
	n := leadingAssigns(group)
	if n < 2 {
		return 0, nil
	}
	now := db.Now()
	cols := make([][]string, 10)
	for i := range cols {
		cols[i] = make([]string, n)
	}
	logAt := make([]int64, n)
	msgs := make(map[string]Message, n)
	for i, p := range group[:n] {
		a := p.assign
		m := newSystemMessagePG(a.conv.ID, a.decision, a.msgData, now)
		reason, err := json.Marshal(a.log.reason)
		if err != nil {
			return 0, fmt.Errorf("inbox: routing reason: %w", err)
		}
		for c, v := range []string{a.conv.ID, a.from, a.op, m.ID, m.Direction, m.Text, a.log.id, a.log.lineID, a.decision, string(reason)} {
			cols[c][i] = v
		}
		logAt[i] = a.log.at
		msgs[a.conv.ID] = m
	}
	stored, err := scanChanged(tx.QueryContext(ctx, storeAssignsSQL, now, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7],
		logAt, cols[8], cols[9]))
	if err != nil {
		return 0, bulkFailed(err)
	}
	return finishStored(ctx, tx, group[:n], func(p *pendingWrite) *rowWrite { return &p.assign.rowWrite }, stored, msgs, ErrNotWaiting)
}

// finishStored finishes writes one statement stored, from the rows it
// changed (stored) and the system message each wrote (msgs, by
// conversation): a write whose row did not come back gets refusal, having
// written nothing; each other adds its message's event and is finished.
func finishStored(ctx context.Context, tx db.Execer, writes []*pendingWrite, row func(*pendingWrite) *rowWrite,
	stored map[string]Conversation, msgs map[string]Message, refusal error) (int, error) {
	for _, p := range writes {
		r := row(p)
		p.w, p.err = newTxw(), nil
		conv, ok := stored[r.conv.ID]
		if !ok {
			p.w, p.err = nil, refusal
			continue
		}
		m := msgs[conv.ID]
		m.ChannelID, m.Seq = conv.ChannelID, conv.LastSeq
		p.w.add(msgEvent(conv, m))
		if err := r.finish(ctx, tx, p.w, conv); err != nil {
			return 0, bulkFailed(err)
		}
	}
	return len(writes), nil
}

func bulkFailed(err error) error {
	if isTransientSQL(err) {
		return err // the group is run again as it is
	}
	return fmt.Errorf("%w: %w", errBareFailed, err)
}

// scanChanged reads the conversations a statement of the group changed,
// by id.
func scanChanged(rows *sql.Rows, err error) (map[string]Conversation, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	changed := map[string]Conversation{}
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, err
		}
		changed[c.ID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return changed, rows.Close()
}
