package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/db"
	"github.com/profhub/profhub/fold"
)

type ingestItem struct {
	in Inbound
	ch Channel
}

// ingestOne stores one inbound message inside tx: the contact and its
// identity, the open conversation (new, reopened or existing), the message.
func (e *Engine) ingestOne(ctx context.Context, tx *sql.Tx, w *txw, it ingestItem) (IngestResult, error) {
	in, ch := it.in, it.ch
	if r, ok, err := existingInbound(ctx, tx, ch.ID, in.ExternalMessageID); err != nil || ok {
		return r, err
	}
	line, err := e.lineByID(ctx, ch.LineID)
	if err != nil {
		return IngestResult{}, err
	}
	contactID, err := findOrCreateContact(ctx, tx, in.From)
	if err != nil {
		return IngestResult{}, err
	}
	conv, opened, err := e.openConversation(ctx, tx, w, line, ch, contactID, in)
	if err != nil {
		return IngestResult{}, err
	}
	m := Message{ConversationID: conv.ID, Direction: DirIn, ChannelID: ch.ID, ExternalID: in.ExternalMessageID,
		Text: in.Text, Attachments: in.Attachments}
	if err := appendMessage(ctx, tx, &m, true); err != nil {
		return IngestResult{}, err
	}
	conv.LastSeq, conv.LastMessageAt, conv.Unread = m.Seq, m.CreatedAt, conv.Unread+1
	if opened {
		w.add(convEvent(EvConversation, conv))
		w.enqueue = append(w.enqueue, queueEntry{lineID: line.ID, convID: conv.ID, priority: conv.Priority,
			queuedAt: conv.QueuedAt.UnixMilli(), preferred: e.stickyOperator(ctx, tx, line, contactID)})
	}
	w.add(msgEvent(conv, m))
	if opened && !in.NoAutoReply {
		if err := e.autoReply(ctx, tx, w, line, conv); err != nil {
			return IngestResult{}, err
		}
	}
	return IngestResult{MessageID: m.ID, ConversationID: conv.ID, Seq: m.Seq}, nil
}

func existingInbound(ctx context.Context, q db.Execer, channelID, externalID string) (IngestResult, bool, error) {
	var r IngestResult
	err := q.QueryRowContext(ctx, `SELECT id, conversation_id, seq FROM inbox_messages WHERE channel_id = $1 AND external_id = $2`,
		channelID, externalID).Scan(&r.MessageID, &r.ConversationID, &r.Seq)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("inbox: dedup: %w", err)
	}
	r.Duplicate = true
	return r, true, nil
}

func findOrCreateContact(ctx context.Context, tx *sql.Tx, from Identity) (string, error) {
	var id string
	err := tx.QueryRowContext(ctx, `SELECT contact_id FROM inbox_identities WHERE namespace = $1 AND external_id = $2`,
		from.Namespace, from.ExternalID).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("inbox: identity: %w", err)
	}
	id = uuid.Must(uuid.NewV7()).String()
	now := db.Now()
	name := from.Name
	if name == "" {
		name = from.ExternalID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_contacts (id, name, name_folded, phone, email, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)`, id, name, fold.String(name), from.Phone, from.Email, now); err != nil {
		return "", fmt.Errorf("inbox: contact: %w", err)
	}
	// A concurrent first message of the same person on another node makes
	// the same identity: the unique key lets one win, and the loser's
	// savepoint is rolled back and the item retried.
	if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_identities (namespace, external_id, contact_id, display, created_at)
		VALUES ($1, $2, $3, $4, $5)`, from.Namespace, from.ExternalID, id, from.Name, now); err != nil {
		if db.IsUniqueViolation(err) {
			return "", errRetry
		}
		return "", fmt.Errorf("inbox: identity: %w", err)
	}
	return id, nil
}

var errRetry = errors.New("inbox: concurrent change, retry")

// openConversation finds the contact's open conversation on the line,
// reopens their last one if it closed within the reopen window, or opens a
// new one. opened reports that the conversation (re)entered the queue.
func (e *Engine) openConversation(ctx context.Context, tx *sql.Tx, w *txw, line Line, ch Channel, contactID string, in Inbound) (Conversation, bool, error) {
	var id string
	err := tx.QueryRowContext(ctx, `SELECT id FROM inbox_conversations WHERE contact_id = $1 AND line_id = $2 AND status <> 'closed'`,
		contactID, line.ID).Scan(&id)
	if err == nil {
		c, err := conversationTx(ctx, tx, id)
		return c, false, err
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Conversation{}, false, fmt.Errorf("inbox: open conversation: %w", err)
	}
	now := db.Now()
	if line.ReopenWindowH > 0 {
		since := now - int64(time.Duration(line.ReopenWindowH)*time.Hour/time.Millisecond)
		err := tx.QueryRowContext(ctx, `SELECT id FROM inbox_conversations WHERE contact_id = $1 AND line_id = $2 AND status = 'closed'
			AND closed_at >= $3 AND NOT spam ORDER BY closed_at DESC LIMIT 1`, contactID, line.ID, since).Scan(&id)
		if err == nil {
			if _, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET status = 'waiting', assignee_id = '', queued_at = $2,
				assigned_at = 0, closed_at = 0, closed_by = '', alerted_at = 0, channel_id = $3, external_chat_id = $4, updated_at = $2
				WHERE id = $1 AND status = 'closed'`, id, now, ch.ID, in.ExternalChatID); err != nil {
				if db.IsUniqueViolation(err) {
					return Conversation{}, false, errRetry
				}
				return Conversation{}, false, fmt.Errorf("inbox: reopen: %w", err)
			}
			c, err := conversationTx(ctx, tx, id)
			if err == nil {
				err = systemMessage(ctx, tx, w, &c, "reopened", nil)
			}
			return c, true, err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return Conversation{}, false, fmt.Errorf("inbox: reopen: %w", err)
		}
	}
	id = uuid.Must(uuid.NewV7()).String()
	if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_conversations (id, line_id, unit_id, channel_id, contact_id, external_chat_id,
		status, subject, subject_folded, created_at, updated_at, queued_at) VALUES ($1,$2,$3,$4,$5,$6,'waiting',$7,$8,$9,$9,$9)`,
		id, line.ID, line.UnitID, ch.ID, contactID, in.ExternalChatID, in.Subject, fold.String(in.Subject), now); err != nil {
		if db.IsUniqueViolation(err) {
			return Conversation{}, false, errRetry
		}
		return Conversation{}, false, fmt.Errorf("inbox: new conversation: %w", err)
	}
	c, err := conversationTx(ctx, tx, id)
	return c, true, err
}

// stickyOperator is the operator a returning contact should go back to.
func (e *Engine) stickyOperator(ctx context.Context, tx *sql.Tx, line Line, contactID string) string {
	if !line.Sticky {
		return ""
	}
	var op string
	_ = tx.QueryRowContext(ctx, `SELECT last_operator_id FROM inbox_contacts WHERE id = $1`, contactID).Scan(&op)
	return op
}

// autoReply sends the line's welcome or, outside working hours, its
// off-hours reply to a conversation that just entered the queue.
func (e *Engine) autoReply(ctx context.Context, tx *sql.Tx, w *txw, line Line, conv Conversation) error {
	text := line.WelcomeReply
	if !line.Hours.Open(time.Now()) && line.OffHoursReply != "" {
		text = line.OffHoursReply
	}
	if text == "" {
		return nil
	}
	m := Message{ConversationID: conv.ID, Direction: DirOut, ChannelID: conv.ChannelID, Text: text, Status: DeliveryPending}
	if err := appendMessage(ctx, tx, &m, false); err != nil {
		return err
	}
	conv.LastSeq = m.Seq
	w.add(msgEvent(conv, m))
	w.dispatch = append(w.dispatch, m.ID)
	return nil
}
