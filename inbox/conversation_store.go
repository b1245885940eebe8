package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/storage/db"
)

const convColumns = `c.id, c.line_id, c.unit_id, c.channel_id, ch.kind, c.contact_id, ct.name, c.external_chat_id, c.status,
	c.assignee_id, c.priority, c.spam, c.subject, c.last_seq, c.unread, c.rating, c.created_at, c.updated_at, c.queued_at,
	c.assigned_at, c.first_response_at, c.last_message_at, c.closed_at, c.campaign_id, c.campaign_name, c.snoozed_until, c.thread_key, ` + slaConvColumns

const convFrom = ` FROM inbox_conversations c JOIN inbox_channels ch ON ch.id = c.channel_id JOIN inbox_contacts ct ON ct.id = c.contact_id `

func scanConversation(row interface{ Scan(...any) error }) (Conversation, error) {
	var c Conversation
	var cr, up, q, as, fr, lm, cl int64
	var sl slaScan
	err := row.Scan(append([]any{&c.ID, &c.LineID, &c.UnitID, &c.ChannelID, &c.ChannelKind, &c.ContactID, &c.ContactName, &c.ExternalChatID,
		&c.Status, &c.AssigneeID, &c.Priority, &c.Spam, &c.Subject, &c.LastSeq, &c.Unread, &c.Rating, &cr, &up, &q, &as, &fr, &lm, &cl,
		&c.CampaignID, &c.CampaignName, &c.SnoozedUntil, &c.ThreadKey}, sl.dest()...)...)
	sl.fill(&c)
	c.CreatedAt, c.UpdatedAt, c.QueuedAt, c.AssignedAt = ms(cr), ms(up), ms(q), ms(as)
	c.FirstResponseAt, c.LastMessageAt, c.ClosedAt = ms(fr), ms(lm), ms(cl)
	return c, err
}

// conversationTx reads a conversation inside a transaction, unscoped.
func conversationTx(ctx context.Context, q db.Execer, id string) (Conversation, error) {
	c, err := scanConversation(q.QueryRowContext(ctx, `SELECT `+convColumns+convFrom+` WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("inbox: conversation %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("inbox: conversation: %w", err)
	}
	return c, nil
}

const msgColumns = `id, conversation_id, seq, direction, channel_id, COALESCE(external_id, ''), COALESCE(client_id, ''), author_id, text,
	attachments, status, status_reason, attempts, created_at, sent_at, deleted_at, private`

func scanMessage(row interface{ Scan(...any) error }) (Message, error) {
	var m Message
	var att string
	var cr, sent, del int64
	err := row.Scan(&m.ID, &m.ConversationID, &m.Seq, &m.Direction, &m.ChannelID, &m.ExternalID, &m.ClientID, &m.AuthorID, &m.Text,
		&att, &m.Status, &m.StatusReason, &m.Attempts, &cr, &sent, &del, &m.Private)
	m.CreatedAt, m.SentAt, m.DeletedAt = ms(cr), ms(sent), ms(del)
	_ = json.Unmarshal([]byte(att), &m.Attachments)
	if m.Attachments == nil {
		m.Attachments = []Attachment{}
	}
	return m, err
}

func messageTx(ctx context.Context, q db.Execer, id string) (Message, error) {
	m, err := scanMessage(q.QueryRowContext(ctx, `SELECT `+msgColumns+` FROM inbox_messages WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("inbox: message %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("inbox: message: %w", err)
	}
	return m, nil
}

// bumpColumns are the conversation's own columns, returned by the UPDATE
// that bumps its sequence: the caller gets the fresh state without a
// second query. (Channel kind and contact name come from elsewhere.)
const bumpColumns = `id, line_id, unit_id, channel_id, contact_id, external_chat_id, status, assignee_id, priority, spam, subject,
	last_seq, unread, rating, created_at, updated_at, queued_at, assigned_at, first_response_at, last_message_at, closed_at,
	campaign_id, campaign_name, thread_key, ` + slaBumpColumns

func scanBumped(row interface{ Scan(...any) error }, c *Conversation) error {
	var cr, up, q, as, fr, lm, cl int64
	var sl slaScan
	err := row.Scan(append([]any{&c.ID, &c.LineID, &c.UnitID, &c.ChannelID, &c.ContactID, &c.ExternalChatID, &c.Status, &c.AssigneeID,
		&c.Priority, &c.Spam, &c.Subject, &c.LastSeq, &c.Unread, &c.Rating, &cr, &up, &q, &as, &fr, &lm, &cl, &c.CampaignID, &c.CampaignName, &c.ThreadKey},
		sl.dest()...)...)
	sl.fill(c)
	c.CreatedAt, c.UpdatedAt, c.QueuedAt, c.AssignedAt = ms(cr), ms(up), ms(q), ms(as)
	c.FirstResponseAt, c.LastMessageAt, c.ClosedAt = ms(fr), ms(lm), ms(cl)
	return err
}

// appendMessage adds m to conversation c: bumps the conversation's
// sequence (refreshing c) and stores the row. A message whose provider id
// or client id is already stored yields errDuplicate; the transaction must
// then be rolled back.
func appendMessage(ctx context.Context, tx db.Execer, c *Conversation, m *Message) error {
	now := time.Now().UnixMilli()
	if m.ID == "" {
		m.ID = uuid.Must(uuid.NewV7()).String()
	}
	m.ConversationID = c.ID
	m.CreatedAt = ms(now)
	set := `last_seq = last_seq + 1, last_message_at = $2, updated_at = $2`
	switch m.Direction {
	case DirIn:
		set += `, unread = unread + 1, last_inbound_at = $2, snoozed_until = 0`
	case DirOut:
		set += `, unread = 0, first_response_at = CASE WHEN first_response_at = 0 AND $3 <> '' THEN $2 ELSE first_response_at END,
			sla_answered_at = CASE WHEN sla_answered_at = 0 AND $3 <> '' THEN $2 ELSE sla_answered_at END`
	}
	args := []any{c.ID, now}
	if m.Direction == DirOut {
		args = append(args, m.AuthorID)
	}
	if err := scanBumped(tx.QueryRowContext(ctx, `UPDATE inbox_conversations SET `+set+` WHERE id = $1 RETURNING `+bumpColumns, args...), c); err != nil {
		return fmt.Errorf("inbox: bump conversation: %w", err)
	}
	m.Seq = c.LastSeq
	if m.Attachments == nil {
		m.Attachments = []Attachment{}
	}
	att, _ := json.Marshal(m.Attachments)
	var ext, client any
	if m.ExternalID != "" {
		ext = m.ExternalID
	}
	if m.ClientID != "" {
		client = m.ClientID
	}
	var sentAt int64
	if m.Status == DeliverySent {
		sentAt, m.SentAt = now, ms(now)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO inbox_messages (id, conversation_id, seq, direction, channel_id, external_id, client_id,
		author_id, text, attachments, status, created_at, updated_at, sent_at, private)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$12,$13,$14) ON CONFLICT DO NOTHING`,
		m.ID, m.ConversationID, m.Seq, m.Direction, m.ChannelID, ext, client, m.AuthorID, m.Text, string(att), m.Status, now, sentAt, m.Private)
	if err != nil {
		return fmt.Errorf("inbox: insert message: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errDuplicate
	}
	return nil
}

var errDuplicate = errors.New("inbox: duplicate message")

func convEvent(kind string, c Conversation) *Event {
	cc := c
	return &Event{Kind: kind, LineID: c.LineID, ConversationID: c.ID, AssigneeID: c.AssigneeID, At: time.Now(), Conversation: &cc}
}

func msgEvent(c Conversation, m Message) *Event {
	mm := m
	cc := c
	return &Event{Kind: EvMessage, LineID: c.LineID, ConversationID: c.ID, AssigneeID: c.AssigneeID, At: time.Now(), Message: &mm, Conversation: &cc}
}
