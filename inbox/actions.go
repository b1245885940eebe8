package inbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Accept takes a conversation the caller was offered.
func (e *Routing) Accept(ctx context.Context, sc access.Scope, convID string) (Conversation, error) {
	r, err := e.conversationFor(ctx, sc, convID)
	if err != nil {
		return Conversation{}, err
	}
	res, err := acceptScript.Run(ctx, e.kv, e.router.keys(r.line.ID), convID, sc.UserID, string(r.line.Mode)).Text()
	if err != nil {
		return Conversation{}, fmt.Errorf("inbox: accept: %w", err)
	}
	switch res {
	case "no_offer":
		return Conversation{}, ErrNoOffer
	case "capacity":
		return Conversation{}, ErrAtCapacity
	}
	e.metric.routed.WithLabelValues("accepted").Inc()
	return e.assignInSQL(ctx, sc, r, sc.UserID, "accepted", nil)
}

// Decline refuses an offer; the conversation goes to someone else.
func (e *Routing) Decline(ctx context.Context, sc access.Scope, convID string) error {
	r, err := e.conversationFor(ctx, sc, convID)
	if err != nil {
		return err
	}
	n, err := declineScript.Run(ctx, e.kv, e.router.keys(r.line.ID), convID, sc.UserID, string(r.line.Mode), "1").Int()
	if err != nil {
		return fmt.Errorf("inbox: decline: %w", err)
	}
	if n == 0 {
		return ErrNoOffer
	}
	e.logRouting(ctx, convID, r.line.ID, "declined", sc.UserID, nil)
	e.router.kickLine(r.line.ID)
	return nil
}

// Take picks a waiting conversation from the queue (manual mode, or an
// operator who does not wait for an offer).
func (e *Routing) Take(ctx context.Context, sc access.Scope, convID string) (Conversation, error) {
	r, err := e.conversationFor(ctx, sc, convID)
	if err != nil {
		return Conversation{}, err
	}
	if !r.operator && !r.supervisor {
		return Conversation{}, fmt.Errorf("%w: you do not answer this line", access.ErrForbidden)
	}
	if r.conv.Status != StatusWaiting {
		return Conversation{}, ErrNotWaiting
	}
	return e.assignTo(ctx, sc, r, sc.UserID, r.supervisor, "taken", nil)
}

// assignTo gives the conversation to op in Redis, then in SQL.
func (e *Routing) assignTo(ctx context.Context, sc access.Scope, r role, op string, force bool, decision string, data map[string]any) (Conversation, error) {
	f := "0"
	if force {
		f = "1"
	}
	res, err := assignScript.Run(ctx, e.kv, e.router.keys(r.line.ID), r.conv.ID, op, f, string(r.line.Mode)).Text()
	if err != nil {
		return Conversation{}, fmt.Errorf("inbox: assign: %w", err)
	}
	if res == "capacity" {
		return Conversation{}, ErrAtCapacity
	}
	e.metric.routed.WithLabelValues(decision).Inc()
	return e.assignInSQL(ctx, sc, r, op, decision, data)
}

// assignInSQL records an assignment Redis granted. The SQL update is
// conditional, so two grants (e.g. across a Redis rebuild) cannot both win;
// a loser undoes its Redis side.
func (e *Routing) assignInSQL(ctx context.Context, sc access.Scope, r role, op, decision string, data map[string]any) (Conversation, error) {
	var conv Conversation
	err := e.write(ctx, func(tx db.Execer, w *txw) error {
		now := db.Now()
		cond := `status = 'waiting'`
		if decision == "transferred" || decision == "taken_over" {
			cond = `status = 'active'`
		}
		res, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET status = 'active', assignee_id = $2, assigned_at = $3, updated_at = $3
			WHERE id = $1 AND `+cond, r.conv.ID, op, now)
		if err != nil {
			return fmt.Errorf("inbox: assign: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotWaiting
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_contacts SET last_operator_id = $2 WHERE id = $1`, r.conv.ContactID, op); err != nil {
			return fmt.Errorf("inbox: assign: %w", err)
		}
		if conv, err = conversationTx(ctx, tx, r.conv.ID); err != nil {
			return err
		}
		d := map[string]any{"operator_id": op, "by": sc.UserID}
		for k, v := range data {
			d[k] = v
		}
		if err := systemMessage(ctx, tx, w, &conv, decision, d); err != nil {
			return err
		}
		w.add(convEvent(EvConversation, conv))
		if r.conv.AssigneeID != "" && r.conv.AssigneeID != op {
			// the previous operator hears that it left them
			ev := convEvent(EvConversation, conv)
			ev.AssigneeID = r.conv.AssigneeID
			w.add(ev)
		}
		return nil
	})
	if err != nil {
		if rerr := e.router.release(context.WithoutCancel(ctx), r.line.ID, r.conv.ID); rerr == nil && errors.Is(err, ErrNotWaiting) {
			e.resyncQueueEntry(context.WithoutCancel(ctx), r.conv.ID)
		}
		return Conversation{}, err
	}
	e.logRouting(ctx, r.conv.ID, r.line.ID, decision, op, data)
	return conv, nil
}

// resyncQueueEntry puts a conversation's Redis state back in line with SQL
// after a refused assignment.
func (e *Routing) resyncQueueEntry(ctx context.Context, convID string) {
	c, err := conversationTx(ctx, e.db, convID)
	if err != nil {
		return
	}
	switch c.Status {
	case StatusWaiting:
		_ = e.router.enqueue(ctx, queueEntry{lineID: c.LineID, convID: c.ID, priority: c.Priority, queuedAt: c.QueuedAt.UnixMilli()})
		e.router.kickLine(c.LineID)
	case StatusActive:
		line, err := e.lineByID(ctx, c.LineID)
		if err == nil {
			_ = assignScript.Run(ctx, e.kv, e.router.keys(c.LineID), c.ID, c.AssigneeID, "1", string(line.Mode)).Err()
		}
	}
}

// ReplyInput is an operator's message.
type ReplyInput struct {
	Text        string       `json:"text"`
	ClientID    string       `json:"client_id"` // the console's id: a resubmitted reply is stored once
	Attachments []Attachment `json:"attachments"`
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
func (e *Dispatch) Reply(ctx context.Context, sc access.Scope, convID string, in ReplyInput) (Message, error) {
	return e.post(ctx, sc, convID, in, DirOut)
}

// Note adds an internal note, which the contact never sees.
func (e *Dispatch) Note(ctx context.Context, sc access.Scope, convID string, in ReplyInput) (Message, error) {
	return e.post(ctx, sc, convID, in, DirNote)
}

func (e *Dispatch) post(ctx context.Context, sc access.Scope, convID string, in ReplyInput, dir string) (Message, error) {
	if err := in.validate(); err != nil {
		return Message{}, err
	}
	r, err := e.conversationFor(ctx, sc, convID)
	if err != nil {
		return Message{}, err
	}
	if in.Attachments, err = e.attachments.resolveAttachments(ctx, convID, in.Attachments); err != nil {
		return Message{}, err
	}
	if in.ClientID != "" {
		var id string
		if err := e.db.QueryRowCached(ctx, `SELECT id FROM inbox_messages WHERE conversation_id = $1 AND client_id = $2`, convID, in.ClientID).Scan(&id); err == nil {
			return messageTx(ctx, e.db.Prepared(), id)
		}
	}
	if dir == DirOut {
		if r.conv.Status == StatusClosed {
			return Message{}, ErrClosed
		}
		if err := r.mayAnswer(sc); err != nil {
			return Message{}, err
		}
		if r.conv.Status == StatusWaiting {
			if r.conv, err = e.routing.assignTo(ctx, sc, r, sc.UserID, r.supervisor, "taken", nil); err != nil {
				return Message{}, err
			}
		}
	}
	var m Message
	local, sentWhenStored := e.storedSender(ctx, r.conv.ChannelID)
	err = e.write(ctx, func(tx db.Execer, w *txw) error {
		m = Message{Direction: dir, ChannelID: r.conv.ChannelID, ClientID: in.ClientID, AuthorID: sc.UserID,
			Text: in.Text, Attachments: in.Attachments}
		if dir == DirOut {
			m.Status = DeliveryPending
			if sentWhenStored {
				m.Status = DeliverySent
			}
		}
		conv := r.conv
		if err := appendMessage(ctx, tx, &conv, &m); err != nil {
			return err
		}
		if m.Status == DeliveryPending {
			w.dispatch = append(w.dispatch, m.ID)
		}
		w.add(msgEvent(conv, m))
		return nil
	})
	if err == nil && dir == DirOut && local.sender != nil {
		if sentWhenStored {
			e.metric.dispatched.WithLabelValues(local.ch.Kind, "sent").Inc()
		}
		local.sender.Stored(context.WithoutCancel(ctx), local.ch, r.conv.ID)
	}
	if errors.Is(err, errDuplicate) {
		var id string
		if qerr := e.db.QueryRowCached(ctx, `SELECT id FROM inbox_messages WHERE conversation_id = $1 AND client_id = $2`, convID, in.ClientID).Scan(&id); qerr == nil {
			return messageTx(ctx, e.db.Prepared(), id)
		}
	}
	return m, err
}

// localChannel is a channel whose replies are read where they are stored.
type localChannel struct {
	ch     Channel
	sender StoredSender // nil: the channel's replies go through dispatch only
}

// storedSender finds the StoredSender of a channel, told of a reply as
// soon as it commits, and whether storing is all the reply needs.
func (e *Dispatch) storedSender(ctx context.Context, channelID string) (localChannel, bool) {
	ch, err := e.channelByID(ctx, channelID)
	if err != nil {
		return localChannel{}, false // dispatch delivers it
	}
	s, _ := e.sender(ch.Kind)
	ss, ok := s.(StoredSender)
	if !ok {
		return localChannel{}, false
	}
	return localChannel{ch: ch, sender: ss}, ss.SentWhenStored(ch)
}

// Retry sends a failed message again.
func (e *Dispatch) Retry(ctx context.Context, sc access.Scope, messageID string) (Message, error) {
	m, err := messageTx(ctx, e.db, messageID)
	if err != nil {
		return Message{}, err
	}
	if _, err := e.conversationFor(ctx, sc, m.ConversationID); err != nil {
		return Message{}, err
	}
	if m.Status != DeliveryFailed {
		return Message{}, valid.Errorf("", "not_failed", "only a failed message can be retried")
	}
	conv, err := conversationTx(ctx, e.db, m.ConversationID)
	if err != nil {
		return Message{}, err
	}
	err = e.write(ctx, func(tx db.Execer, w *txw) error {
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

// TakeOver gives a conversation to the supervisor themself, whoever had it:
// for a conversation going badly or an operator who left.
func (e *Routing) TakeOver(ctx context.Context, sc access.Scope, convID string) (Conversation, error) {
	r, err := e.conversationFor(ctx, sc, convID)
	if err != nil {
		return Conversation{}, err
	}
	if !r.supervisor {
		return Conversation{}, fmt.Errorf("%w: only a supervisor can take a conversation over", access.ErrForbidden)
	}
	if r.conv.Status == StatusClosed {
		return Conversation{}, ErrClosed
	}
	decision := "taken_over"
	if r.conv.Status == StatusWaiting {
		decision = "taken"
	}
	return e.assignTo(ctx, sc, r, sc.UserID, true, decision, map[string]any{"from": r.conv.AssigneeID})
}

// MarkRead clears the unread count when an operator opens a conversation.
func (e *Actions) MarkRead(ctx context.Context, sc access.Scope, convID string) error {
	r, err := e.conversationFor(ctx, sc, convID)
	if err != nil {
		return err
	}
	if _, err = e.db.ExecContext(ctx, `UPDATE inbox_conversations SET unread = 0 WHERE id = $1 AND assignee_id = $2`, convID, sc.UserID); err != nil {
		return err
	}
	e.events.operatorRead(ctx, r, sc)
	return nil
}
