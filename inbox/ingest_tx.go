package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

type ingestItem struct {
	in       Inbound
	ch       Channel
	campaign CampaignLink // the mailing this message answers, if any
}

func contactName(id Identity) string {
	if id.Name != "" {
		return id.Name
	}
	return id.ExternalID
}

// knownInbound returns the messages of a batch already stored, by provider
// id: replays are answered without touching anything.
func knownInbound(ctx context.Context, q db.Execer, channelID string, externalIDs []string) (map[string]IngestResult, error) {
	out := map[string]IngestResult{}
	if len(externalIDs) == 0 {
		return out, nil
	}
	args := []any{channelID}
	marks := make([]string, len(externalIDs))
	for i, id := range externalIDs {
		args = append(args, id)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	rows, err := q.QueryContext(ctx, `SELECT external_id, id, conversation_id, seq FROM inbox_messages
		WHERE channel_id = $1 AND external_id IN (`+strings.Join(marks, ",")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("inbox: dedup: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ext string
		r := IngestResult{Duplicate: true}
		if err := rows.Scan(&ext, &r.MessageID, &r.ConversationID, &r.Seq); err != nil {
			return nil, fmt.Errorf("inbox: dedup: %w", err)
		}
		out[ext] = r
	}
	return out, rows.Err()
}

var errRetry = errors.New("inbox: concurrent change, retry")

// reopenConversation reopens the contact's last conversation on the line
// if it closed within the reopen window, filling c. It reports whether it
// did; if not, the batch opens a new one (insertConversations). A contact
// made in the batch has nothing to reopen: it is not called for one.
func (ing *Ingestion) reopenConversation(ctx context.Context, tx db.Execer, w *txw, line Line, ch Channel, contactID string, in *Inbound, c *Conversation) (bool, error) {
	if line.ReopenWindowH <= 0 {
		return false, nil
	}
	now := db.Now()
	since := now - int64(time.Duration(line.ReopenWindowH)*time.Hour/time.Millisecond)
	err := scanBumped(tx.QueryRowContext(ctx, `UPDATE inbox_conversations SET status = 'waiting', assignee_id = '', queued_at = $4,
		assigned_at = 0, closed_at = 0, closed_by = '', alerted_at = 0, channel_id = $5, external_chat_id = $6, updated_at = $4
		WHERE id = (SELECT id FROM inbox_conversations WHERE contact_id = $1 AND line_id = $2 AND thread_key = $7 AND status = 'closed'
		            AND closed_at >= $3 AND NOT spam ORDER BY closed_at DESC LIMIT 1)
		RETURNING `+bumpColumns, contactID, line.ID, since, now, ch.ID, in.ExternalChatID, in.threadKey()), c)
	switch {
	case err == nil:
		if err := restartSLA(ctx, tx, line, c.ID, now); err != nil {
			return false, err
		}
		c.SLAStartedAt, c.SLAAnsweredAt = ms(now), time.Time{}
		fr, res := slaDue(line, now)
		c.FirstResponseDueAt, c.ResolutionDueAt, c.FirstResponseBreachedAt, c.ResolutionBreachedAt = ms(fr), ms(res), time.Time{}, time.Time{}
		return true, systemMessage(ctx, tx, w, c, "reopened", nil)
	case db.IsUniqueViolation(err):
		return false, errRetry
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	default:
		return false, fmt.Errorf("inbox: reopen: %w", err)
	}
}

// stickyOperator is the operator a returning contact should go back to;
// a new one has none.
func (ing *Ingestion) stickyOperator(ctx context.Context, tx db.Execer, line Line, contactID string, isNew bool) string {
	if !line.Sticky || isNew {
		return ""
	}
	var op string
	_ = tx.QueryRowContext(ctx, `SELECT last_operator_id FROM inbox_contacts WHERE id = $1`, contactID).Scan(&op)
	return op
}

// autoReply sends the line's welcome or, outside working hours, its
// off-hours reply to a conversation that just entered the queue.
func (ing *Ingestion) autoReply(ctx context.Context, tx db.Execer, w *txw, line Line, conv *Conversation) error {
	text := line.WelcomeReply
	if !line.Hours.Open(time.Now()) && line.OffHoursReply != "" {
		text = line.OffHoursReply
	}
	if text == "" {
		return nil
	}
	m := Message{Direction: DirOut, ChannelID: conv.ChannelID, Text: text, Status: DeliveryPending}
	if err := appendMessage(ctx, tx, conv, &m); err != nil {
		return err
	}
	w.add(msgEvent(*conv, m))
	w.dispatch = append(w.dispatch, m.ID)
	return nil
}
