package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/storage/db"
)

// identityKey is a sender as a channel knows them.
type identityKey struct{ ns, ext string }

// identities finds the senders' contacts and their open conversations.
func (ing *Ingestion) identities(ctx context.Context, tx db.Execer, keys []identityKey) (*sql.Rows, error) {
	if ing.db.Dialect == db.Postgres {
		ns, ext := make([]string, len(keys)), make([]string, len(keys))
		for i, k := range keys {
			ns[i], ext[i] = k.ns, k.ext
		}
		return tx.QueryContext(ctx, identitiesPG, ns, ext)
	}
	args := make([]any, 0, 2*len(keys))
	marks := make([]string, 0, len(keys))
	for _, k := range keys {
		marks = append(marks, fmt.Sprintf("($%d, $%d)", len(args)+1, len(args)+2))
		args = append(args, k.ns, k.ext)
	}
	return tx.QueryContext(ctx, identitiesSelect+`(VALUES `+strings.Join(marks, ", ")+`)`, args...)
}

const identitiesSelect = `SELECT i.namespace, i.external_id, i.contact_id, COALESCE(c.id, ''), COALESCE(c.line_id, ''), COALESCE(ct.name, ''),
	COALESCE(c.thread_key, '')
	FROM inbox_identities i LEFT JOIN inbox_contacts ct ON ct.id = i.contact_id
	LEFT JOIN inbox_conversations c ON c.contact_id = i.contact_id AND c.status <> 'closed'
	WHERE (i.namespace, i.external_id) IN `

// newInbound makes the batch's messages, numbered within each
// conversation from 1 (the store adds the conversation's previous last
// seq), and records their attachments.
func newInbound(ctx context.Context, tx db.Execer, items []*pendingIngest, convOf []*Conversation, now int64) ([]Message, error) {
	next := map[string]int64{}
	msgs := make([]Message, len(items))
	for i, p := range items {
		c := convOf[i]
		next[c.ID]++
		m := Message{ID: uuid.Must(uuid.NewV7()).String(), ConversationID: c.ID, Seq: next[c.ID], Direction: DirIn,
			ChannelID: p.item.ch.ID, ExternalID: p.item.in.ExternalMessageID, Text: p.item.in.Text,
			Attachments: p.item.in.Attachments, CreatedAt: ms(now)}
		if m.Attachments == nil {
			m.Attachments = []Attachment{}
		}
		if len(m.Attachments) > 0 {
			if err := recordAttachments(ctx, tx, c.ID, m.Attachments); err != nil {
				return nil, err
			}
		}
		msgs[i] = m
	}
	return msgs, nil
}

// batchCounts is how many of msgs each conversation gets, and the
// conversations in first-seen order.
func batchCounts(msgs []Message) (map[string]int64, []string) {
	counts := map[string]int64{}
	var order []string
	for _, m := range msgs {
		if counts[m.ConversationID] == 0 {
			order = append(order, m.ConversationID)
		}
		counts[m.ConversationID]++
	}
	return counts, order
}

// storeInbound bumps every conversation by its number of new messages in
// one update, then inserts the messages in one statement; convs get the
// bumped state and msgs their final seq. A replay racing its original on
// another node makes the insert short, reported as errDuplicate.
func storeInbound(ctx context.Context, tx db.Execer, convs map[string]*Conversation, msgs []Message, now int64) error {
	counts, order := batchCounts(msgs)
	args := []any{now}
	marks := make([]string, 0, len(order))
	for _, id := range order {
		marks = append(marks, fmt.Sprintf("(CAST($%d AS TEXT), CAST($%d AS BIGINT))", len(args)+1, len(args)+2))
		args = append(args, id, counts[id])
	}
	rows, err := tx.QueryContext(ctx, `UPDATE inbox_conversations SET last_seq = last_seq + v.column2, unread = unread + v.column2,
		last_message_at = $1, last_inbound_at = $1, updated_at = $1, snoozed_until = 0
		FROM (VALUES `+strings.Join(marks, ", ")+`) AS v WHERE inbox_conversations.id = v.column1
		RETURNING `+bumpColumns, args...)
	if err != nil {
		return fmt.Errorf("inbox: bump conversations: %w", err)
	}
	if err := scanBumpedInto(rows, convs, nil); err != nil {
		return err
	}
	args = args[:0]
	marks = marks[:0]
	for i := range msgs {
		m := &msgs[i]
		m.Seq += convs[m.ConversationID].LastSeq - counts[m.ConversationID]
		att, _ := json.Marshal(m.Attachments)
		n := len(args)
		marks = append(marks, fmt.Sprintf("($%d,$%d,$%d,'in',$%d,$%d,'',$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+8))
		args = append(args, m.ID, m.ConversationID, m.Seq, m.ChannelID, m.ExternalID, m.Text, string(att), now)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO inbox_messages (id, conversation_id, seq, direction, channel_id, external_id,
		author_id, text, attachments, created_at, updated_at) VALUES `+strings.Join(marks, ", ")+` ON CONFLICT DO NOTHING`, args...)
	if err != nil {
		return fmt.Errorf("inbox: insert messages: %w", err)
	}
	if n, _ := res.RowsAffected(); n != int64(len(msgs)) {
		return errDuplicate
	}
	return nil
}

// scanBumpedInto reads bumped conversations into convs, keeping the
// channel kind and contact name the update does not return. With extra
// set, each row carries one more column after bumpColumns, scanned there.
func scanBumpedInto(rows *sql.Rows, convs map[string]*Conversation, extra any) error {
	defer rows.Close()
	for rows.Next() {
		var got Conversation
		var row interface{ Scan(...any) error } = rows
		if extra != nil {
			row = scanPlus{rows, extra}
		}
		if err := scanBumped(row, &got); err != nil {
			return fmt.Errorf("inbox: bump conversations: %w", err)
		}
		c := convs[got.ID]
		got.ChannelKind, got.ContactName = c.ChannelKind, c.ContactName
		*c = got
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("inbox: bump conversations: %w", err)
	}
	return nil
}

// scanPlus scans a row's last column into extra.
type scanPlus struct {
	rows  *sql.Rows
	extra any
}

func (s scanPlus) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra)...) }
