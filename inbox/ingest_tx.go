package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/norm"
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

func createContact(ctx context.Context, tx db.Execer, from Identity) (string, error) {
	id := uuid.Must(uuid.NewV7()).String()
	now := db.Now()
	name := contactName(from)
	if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_contacts (id, name, name_folded, phone, email, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)`, id, name, norm.Fold(name), from.Phone, from.Email, now); err != nil {
		return "", fmt.Errorf("inbox: contact: %w", err)
	}
	// The same person's first message arriving on two nodes at once makes
	// the same identity twice: one insert wins, the other retries.
	res, err := tx.ExecContext(ctx, `INSERT INTO inbox_identities (namespace, external_id, contact_id, display, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, from.Namespace, from.ExternalID, id, from.Name, now)
	if err != nil {
		return "", fmt.Errorf("inbox: identity: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", errRetry
	}
	return id, nil
}

var errRetry = errors.New("inbox: concurrent change, retry")

// openConversation reopens the contact's last conversation on the line if
// it closed within the reopen window (and mayReopen: the contact has a
// past), or opens a new one, filling c. It reports whether the
// conversation entered the queue.
func (ing *Ingestion) openConversation(ctx context.Context, tx db.Execer, w *txw, line Line, ch Channel, contactID string, in Inbound, c *Conversation, mayReopen bool) (bool, error) {
	now := db.Now()
	if line.ReopenWindowH > 0 && mayReopen {
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
		case !errors.Is(err, sql.ErrNoRows):
			return false, fmt.Errorf("inbox: reopen: %w", err)
		}
	}
	id := uuid.Must(uuid.NewV7()).String()
	frDue, resDue := slaDue(line, now)
	res, err := tx.ExecContext(ctx, `INSERT INTO inbox_conversations (id, line_id, unit_id, channel_id, contact_id, external_chat_id,
		status, subject, subject_folded, created_at, updated_at, queued_at, sla_started_at, first_response_due_at, resolution_due_at, thread_key)
		VALUES ($1,$2,$3,$4,$5,$6,'waiting',$7,$8,$9,$9,$9,$9,$10,$11,$12)
		ON CONFLICT DO NOTHING`, id, line.ID, line.UnitID, ch.ID, contactID, in.ExternalChatID, in.Subject, norm.Fold(in.Subject), now,
		frDue, resDue, in.threadKey())
	if err != nil {
		return false, fmt.Errorf("inbox: new conversation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, errRetry // another node opened it a moment ago
	}
	*c = Conversation{ID: id, LineID: line.ID, UnitID: line.UnitID, ChannelID: ch.ID, ChannelKind: c.ChannelKind, ContactID: contactID,
		ContactName: c.ContactName, ExternalChatID: in.ExternalChatID, Status: StatusWaiting, Subject: in.Subject, ThreadKey: in.threadKey(),
		CreatedAt: ms(now), UpdatedAt: ms(now), QueuedAt: ms(now),
		ServiceLevel: ServiceLevel{SLAStartedAt: ms(now), FirstResponseDueAt: ms(frDue), ResolutionDueAt: ms(resDue)}}
	return true, nil
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
