package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/norm"
)

// PastConversation is a closed conversation of the past, for the demo's
// history and the report's benchmark: a member wrote Question, the
// operator took it after Wait, answered after FirstResponse and closed
// it after Closed (each from Created), and the member rated it (0: no
// rating).
type PastConversation struct {
	ChannelID, OperatorID, ContactName string
	Subject, Question, Answer          string
	Created                            time.Time
	Wait, FirstResponse, Closed        time.Duration
	Rating                             int
}

// AddHistory stores past closed conversations in one transaction, as the
// engine would have left them. It is unscoped and bypasses routing and
// events: only the demo and benchmarks call it, on a fresh installation.
// A conversation without a Question or an Answer has no such message.
func (ss *Statistics) AddHistory(ctx context.Context, past []PastConversation) error {
	return ss.db.Tx(ctx, func(tx *sql.Tx) error {
		contacts := map[string]string{}
		lines := map[string][2]string{} // channel: line, unit
		for i, p := range past {
			where, ok := lines[p.ChannelID]
			if !ok {
				if err := tx.QueryRowContext(ctx, `SELECT ch.line_id, l.unit_id FROM inbox_channels ch JOIN inbox_lines l ON l.id = ch.line_id
					WHERE ch.id = $1`, p.ChannelID).Scan(&where[0], &where[1]); err != nil {
					return fmt.Errorf("inbox: history channel %s: %w", p.ChannelID, err)
				}
				lines[p.ChannelID] = where
			}
			created := p.Created.UnixMilli()
			contact := contacts[p.ContactName]
			if contact == "" {
				contact = uuid.Must(uuid.NewV7()).String()
				if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_contacts (id, name, name_folded, created_at, updated_at)
					VALUES ($1, $2, $3, $4, $4)`, contact, p.ContactName, norm.Fold(p.ContactName), created); err != nil {
					return fmt.Errorf("inbox: history contact: %w", err)
				}
				contacts[p.ContactName] = contact
			}
			at := func(d time.Duration) int64 { return created + d.Milliseconds() }
			first := int64(0)
			if p.Answer != "" {
				first = at(p.FirstResponse)
			}
			id := uuid.Must(uuid.NewV7()).String()
			var seq int64
			if p.Question != "" {
				seq++
			}
			if p.Answer != "" {
				seq++
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_conversations (id, line_id, unit_id, channel_id, contact_id, external_chat_id,
				status, assignee_id, subject, subject_folded, rating, last_seq, created_at, updated_at, queued_at, assigned_at,
				first_response_at, last_inbound_at, last_message_at, closed_at, closed_by)
				VALUES ($1,$2,$3,$4,$5,$6,'closed',$7,$8,$9,$10,$11,$12,$13,$12,$14,$15,$12,$13,$13,$7)`,
				id, where[0], where[1], p.ChannelID, contact, fmt.Sprintf("history-%d", i), p.OperatorID, p.Subject, norm.Fold(p.Subject),
				p.Rating, seq, created, at(p.Closed), at(p.Wait), first); err != nil {
				return fmt.Errorf("inbox: history conversation: %w", err)
			}
			seq = 0
			for _, m := range []struct {
				dir, author, text string
				at                int64
			}{{DirIn, "", p.Question, created}, {DirOut, p.OperatorID, p.Answer, first}} {
				if m.text == "" {
					continue
				}
				seq++
				status := ""
				if m.dir == DirOut {
					status = DeliverySent
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_messages (id, conversation_id, seq, direction, channel_id, author_id, text,
					status, created_at, updated_at, sent_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9,$9)`,
					uuid.Must(uuid.NewV7()).String(), id, seq, m.dir, p.ChannelID, m.author, m.text, status, m.at); err != nil {
					return fmt.Errorf("inbox: history message: %w", err)
				}
			}
		}
		return nil
	})
}
