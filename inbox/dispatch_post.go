package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// ReplyInput is an operator's message.
type ReplyInput struct {
	Text        string       `json:"text"`
	ClientID    string       `json:"client_id"` // the console's id: a resubmitted reply is stored once
	Attachments []Attachment `json:"attachments"`
	// Private answers a comment by a private message instead of in the
	// post's thread; ignored elsewhere.
	Private bool `json:"private"`
}

func (in *ReplyInput) validate() error {
	in.Text = strings.TrimRight(in.Text, " \t\r\n")
	switch {
	case len(in.Text) > MaxTextBytes:
		return valid.Errorf("text", "too_long", "text is limited to %d bytes", MaxTextBytes)
	case !utf8.ValidString(in.Text):
		return valid.Errorf("text", "utf8", "text must be valid UTF-8")
	case in.Text == "" && len(in.Attachments) == 0:
		return valid.Errorf("text", "empty", "a message needs text or an attachment")
	case len(in.Attachments) > MaxAttachments:
		return valid.Errorf("attachments", "too_many", "at most %d attachments", MaxAttachments)
	case len(in.ClientID) > 100:
		return valid.Errorf("client_id", "too_long", "client_id is limited to 100 bytes")
	}
	return nil
}

// Reply stores an operator's answer as pending and hands it to dispatch.
// Replying to a waiting conversation takes it first.
func (d *Dispatch) Reply(ctx context.Context, sc access.Scope, convID string, in ReplyInput) (Message, error) {
	return d.post(ctx, sc, convID, in, DirOut)
}

// Note adds an internal note, which the contact never sees.
func (d *Dispatch) Note(ctx context.Context, sc access.Scope, convID string, in ReplyInput) (Message, error) {
	return d.post(ctx, sc, convID, in, DirNote)
}

func (d *Dispatch) post(ctx context.Context, sc access.Scope, convID string, in ReplyInput, dir string) (Message, error) {
	if err := in.validate(); err != nil {
		return Message{}, err
	}
	r, err := d.conversationFor(ctx, sc, convID)
	if err != nil {
		return Message{}, err
	}
	if dir == DirOut && r.conv.ThreadKey != "" && !in.Private && len(in.Attachments) > 0 {
		return Message{}, valid.Keyed("attachments", "thread_files", "comment_thread_files",
			"an answer in the post's thread cannot carry files: answer privately to send them")
	}
	if in.Attachments, err = d.attachments.resolveAttachments(ctx, convID, in.Attachments); err != nil {
		return Message{}, err
	}
	// A client id already stored is a retry, answered with the message
	// stored the first time. The write finds it (errDuplicate, below); it
	// is looked up first only where the reply would be refused or would
	// take the conversation, which the first time may have changed.
	if dir == DirOut {
		refused := ErrClosed
		if r.conv.Status != StatusClosed {
			refused = r.mayAnswer(sc)
		}
		if refused != nil || r.conv.Status == StatusWaiting {
			switch stored, err := d.storedRetry(ctx, convID, in.ClientID); {
			case err == nil:
				return stored, nil
			case refused != nil:
				return Message{}, refused
			}
		}
		if r.conv.Status == StatusWaiting {
			if r.conv, err = d.routing.assignTo(ctx, sc, r, sc.UserID, r.supervisor, "taken", nil); err != nil {
				return Message{}, err
			}
		}
	}
	local, sentWhenStored := d.storedSender(ctx, r.conv.ChannelID)
	m := Message{Direction: dir, ChannelID: r.conv.ChannelID, ClientID: in.ClientID, AuthorID: sc.UserID,
		Text: in.Text, Attachments: in.Attachments, Private: in.Private && dir == DirOut && r.conv.ThreadKey != ""}
	if dir == DirOut {
		m.Status = DeliveryPending
		if sentWhenStored {
			m.Status = DeliverySent
		}
	}
	err = d.writePost(ctx, r.conv, &m, func(conv Conversation, m Message, w *txw) {
		if m.Status == DeliveryPending {
			w.dispatch = append(w.dispatch, m.ID)
		}
		w.add(msgEvent(conv, m))
	})
	if err == nil && dir == DirOut && local.sender != nil {
		if sentWhenStored {
			d.metric.dispatched.WithLabelValues(local.ch.Kind, "sent").Inc()
		}
		local.sender.Stored(context.WithoutCancel(ctx), local.ch, m)
	}
	if err == nil && dir == DirNote {
		d.alertMentions(context.WithoutCancel(ctx), r.conv, m)
	}
	if errors.Is(err, errDuplicate) {
		if stored, qerr := d.storedRetry(ctx, convID, in.ClientID); qerr == nil {
			return stored, nil
		}
	}
	return m, err
}

// storedRetry is the message of conversation convID stored with clientID,
// or an error wrapping db.ErrNotFound.
func (d *Dispatch) storedRetry(ctx context.Context, convID, clientID string) (Message, error) {
	if clientID == "" {
		return Message{}, fmt.Errorf("inbox: no client id: %w", db.ErrNotFound)
	}
	var id string
	err := d.db.QueryRowCached(ctx, `SELECT id FROM inbox_messages WHERE conversation_id = $1 AND client_id = $2`, convID, clientID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, fmt.Errorf("inbox: client id %q: %w", clientID, db.ErrNotFound)
	}
	if err != nil {
		return Message{}, err
	}
	return messageTx(ctx, d.db.Prepared(), id)
}

// localChannel is a channel whose replies are read where they are stored.
type localChannel struct {
	ch     Channel
	sender StoredSender // nil: the channel's replies go through dispatch only
}

// storedSender finds the StoredSender of a channel, told of a reply as
// soon as it commits, and whether storing is all the reply needs.
func (d *Dispatch) storedSender(ctx context.Context, channelID string) (localChannel, bool) {
	ch, err := d.channelByID(ctx, channelID)
	if err != nil {
		return localChannel{}, false // dispatch delivers it
	}
	s, _ := d.sender(ch.Kind)
	ss, ok := s.(StoredSender)
	if !ok {
		return localChannel{}, false
	}
	return localChannel{ch: ch, sender: ss}, ss.SentWhenStored(ch)
}

// Retry sends a failed message again.
func (d *Dispatch) Retry(ctx context.Context, sc access.Scope, messageID string) (Message, error) {
	m, err := messageTx(ctx, d.db, messageID)
	if err != nil {
		return Message{}, err
	}
	if _, err := d.conversationFor(ctx, sc, m.ConversationID); err != nil {
		return Message{}, err
	}
	if m.Status != DeliveryFailed {
		return Message{}, valid.Errorf("", "not_failed", "only a failed message can be retried")
	}
	conv, err := conversationTx(ctx, d.db, m.ConversationID)
	if err != nil {
		return Message{}, err
	}
	err = d.write(ctx, func(tx db.Execer, w *txw) error {
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_messages SET status = 'pending', status_reason = '', attempts = 0, rate_limited = 0, next_attempt_at = 0,
			lease_until = 0, updated_at = $2 WHERE id = $1 AND status = 'failed'`, messageID, db.Now()); err != nil {
			return err
		}
		m.Status, m.StatusReason, m.Attempts = DeliveryPending, "", 0
		w.add(&Event{Kind: EvStatus, LineID: conv.LineID, ConversationID: conv.ID, AssigneeID: conv.AssigneeID, At: time.Now(), Message: &m})
		w.dispatch = append(w.dispatch, messageID)
		return nil
	})
	return m, err
}
