package inbox

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/profhub/profhub/db"
)

// ingestBatch stores a batch of new inbound messages in a handful of
// statements, however many messages it holds: one query finds the senders'
// contacts and open conversations, one update bumps every conversation's
// sequence, one insert stores every message. Only a first message (a new
// contact or conversation) costs statements of its own. On PostgreSQL,
// where each statement is a round trip, this is what lets ingest keep up.
func (e *Engine) ingestBatch(ctx context.Context, tx db.Execer, w *txw, items []*pendingIngest) error {
	type who struct{ ns, ext string }
	type convKey struct{ contact, line string }
	lines := map[string]Line{}
	for _, p := range items {
		if _, ok := lines[p.item.ch.LineID]; ok {
			continue
		}
		l, err := e.lineByIDIn(ctx, tx, p.item.ch.LineID)
		if err != nil {
			return err
		}
		lines[l.ID] = l
	}

	// Contacts and their open conversations, by identity.
	contacts := map[who]string{}
	open := map[convKey]string{}
	var pairs []who
	for _, p := range items {
		k := who{p.item.in.From.Namespace, p.item.in.From.ExternalID}
		if _, seen := contacts[k]; !seen {
			contacts[k] = ""
			pairs = append(pairs, k)
		}
	}
	args := make([]any, 0, 2*len(pairs))
	marks := make([]string, 0, len(pairs))
	for _, k := range pairs {
		marks = append(marks, fmt.Sprintf("($%d, $%d)", len(args)+1, len(args)+2))
		args = append(args, k.ns, k.ext)
	}
	rows, err := tx.QueryContext(ctx, `SELECT i.namespace, i.external_id, i.contact_id, COALESCE(c.id, ''), COALESCE(c.line_id, '')
		FROM inbox_identities i LEFT JOIN inbox_conversations c ON c.contact_id = i.contact_id AND c.status <> 'closed'
		WHERE (i.namespace, i.external_id) IN (VALUES `+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return fmt.Errorf("inbox: identities: %w", err)
	}
	for rows.Next() {
		var k who
		var contact, conv, line string
		if err := rows.Scan(&k.ns, &k.ext, &contact, &conv, &line); err != nil {
			rows.Close()
			return fmt.Errorf("inbox: identities: %w", err)
		}
		contacts[k] = contact
		if conv != "" {
			open[convKey{contact, line}] = conv
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("inbox: identities: %w", err)
	}

	// First messages: new contacts and conversations, one by one.
	convs := map[string]*Conversation{}
	var opened []*Conversation
	convOf := make([]*Conversation, len(items))
	for i, p := range items {
		in, ch := p.item.in, p.item.ch
		k := who{in.From.Namespace, in.From.ExternalID}
		if contacts[k] == "" {
			if contacts[k], err = createContact(ctx, tx, in.From); err != nil {
				return err
			}
		}
		ck := convKey{contacts[k], ch.LineID}
		id, ok := open[ck]
		if !ok {
			c := &Conversation{ChannelKind: ch.Kind, ContactName: contactName(in.From)}
			if _, err := e.openConversation(ctx, tx, w, lines[ch.LineID], ch, contacts[k], in, c); err != nil {
				return err
			}
			open[ck], convs[c.ID] = c.ID, c
			opened = append(opened, c)
			id = c.ID
		}
		if convs[id] == nil {
			convs[id] = &Conversation{ID: id, ChannelKind: ch.Kind, ContactName: contactName(in.From)}
		}
		convOf[i] = convs[id]
	}
	if err := linkCampaigns(ctx, tx, items, convOf, opened); err != nil {
		return err
	}

	// One update bumps every conversation by its number of new messages.
	counts := map[string]int{}
	var order []string
	for _, c := range convOf {
		if counts[c.ID] == 0 {
			order = append(order, c.ID)
		}
		counts[c.ID]++
	}
	now := db.Now()
	args = []any{now}
	marks = marks[:0]
	for _, id := range order {
		marks = append(marks, fmt.Sprintf("(CAST($%d AS TEXT), CAST($%d AS BIGINT))", len(args)+1, len(args)+2))
		args = append(args, id, counts[id])
	}
	rows, err = tx.QueryContext(ctx, `UPDATE inbox_conversations SET last_seq = last_seq + v.column2, unread = unread + v.column2,
		last_message_at = $1, last_inbound_at = $1, updated_at = $1
		FROM (VALUES `+strings.Join(marks, ", ")+`) AS v WHERE inbox_conversations.id = v.column1
		RETURNING `+bumpColumns, args...)
	if err != nil {
		return fmt.Errorf("inbox: bump conversations: %w", err)
	}
	for rows.Next() {
		var got Conversation
		if err := scanBumped(rows, &got); err != nil {
			rows.Close()
			return fmt.Errorf("inbox: bump conversations: %w", err)
		}
		c := convs[got.ID]
		got.ChannelKind, got.ContactName = c.ChannelKind, c.ContactName
		*c = got
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("inbox: bump conversations: %w", err)
	}

	// Number the messages within each conversation and insert them at once.
	next := map[string]int64{}
	for id, n := range counts {
		next[id] = convs[id].LastSeq - int64(n) + 1
	}
	msgs := make([]Message, len(items))
	args = args[:0]
	marks = marks[:0]
	for i, p := range items {
		c := convOf[i]
		m := Message{ID: uuid.Must(uuid.NewV7()).String(), ConversationID: c.ID, Seq: next[c.ID], Direction: DirIn,
			ChannelID: p.item.ch.ID, ExternalID: p.item.in.ExternalMessageID, Text: p.item.in.Text,
			Attachments: p.item.in.Attachments, CreatedAt: ms(now)}
		if m.Attachments == nil {
			m.Attachments = []Attachment{}
		}
		next[c.ID]++
		msgs[i] = m
		if len(m.Attachments) > 0 {
			if err := recordAttachments(ctx, tx, c.ID, m.Attachments); err != nil {
				return err
			}
		}
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
	if n, _ := res.RowsAffected(); n != int64(len(items)) {
		return errDuplicate // a replay raced its original on another node
	}
	for i, p := range items {
		p.res = IngestResult{MessageID: msgs[i].ID, ConversationID: msgs[i].ConversationID, Seq: msgs[i].Seq}
	}

	// Events, queueing and auto-replies.
	for _, c := range opened {
		snap := *c
		w.add(convEvent(EvConversation, snap))
		line := lines[c.LineID]
		w.enqueue = append(w.enqueue, queueEntry{lineID: c.LineID, convID: c.ID, priority: c.Priority,
			queuedAt: c.QueuedAt.UnixMilli(), preferred: e.stickyOperator(ctx, tx, line, c.ContactID)})
	}
	for i := range items {
		snap := *convOf[i]
		snap.LastSeq = msgs[i].Seq
		w.add(msgEvent(snap, msgs[i]))
	}
	for _, c := range opened {
		if !noAutoReply(items, c.ID, convOf) {
			if err := e.autoReply(ctx, tx, w, lines[c.LineID], c); err != nil {
				return err
			}
		}
	}
	return nil
}

// noAutoReply reports whether the message that opened conversation id asked
// for no auto-reply.
func noAutoReply(items []*pendingIngest, id string, convOf []*Conversation) bool {
	for i, p := range items {
		if convOf[i].ID == id {
			return p.item.in.NoAutoReply
		}
	}
	return false
}
