package inbox

import (
	"context"
	"time"

	"github.com/profhub/profhub/internal/security/access"
)

// Live signals between a conversation's operators and its contact that are
// not kept in the log: who is typing, and how far the contact has read.
// The consoles get them as ephemeral events; a channel that can show them
// to the contact (the site widget) gets them through its Sender, when the
// Sender also implements ContactNotifier.
const (
	EvTyping      = "typing"       // ephemeral: data.who is "contact" (the operator's typing goes to the contact)
	EvContactRead = "contact_read" // ephemeral: the contact has seen the conversation up to data.seq
)

// ContactNotifier shows the contact what the operators do right now.
type ContactNotifier interface {
	// OperatorTyping: operator userID is typing a reply in the conversation.
	OperatorTyping(ctx context.Context, convID, userID string)
	// OperatorRead: the assignee has opened the conversation; everything
	// up to seq is read.
	OperatorRead(ctx context.Context, convID string, seq int64)
}

func (es *Events) notifier(kind string) (ContactNotifier, bool) {
	s, ok := es.dispatch.sender(kind)
	if !ok {
		return nil, false
	}
	n, ok := s.(ContactNotifier)
	return n, ok
}

// ContactTyping tells the consoles that the contact of a conversation is
// typing. The caller (a connector) has authenticated the contact.
func (es *Events) ContactTyping(ctx context.Context, convID string) error {
	return es.contactSignal(ctx, convID, EvTyping, map[string]any{"who": "contact"})
}

// ContactRead tells the consoles that the contact has seen the
// conversation up to seq.
func (es *Events) ContactRead(ctx context.Context, convID string, seq int64) error {
	return es.contactSignal(ctx, convID, EvContactRead, map[string]any{"seq": seq})
}

func (es *Events) contactSignal(ctx context.Context, convID, kind string, data map[string]any) error {
	c, err := conversationTx(ctx, es.db, convID)
	if err != nil {
		return err
	}
	es.events.ephemeral(ctx, &Event{Kind: kind, LineID: c.LineID, ConversationID: c.ID, AssigneeID: c.AssigneeID, At: time.Now(), Data: data})
	return nil
}

// OperatorTyping passes an operator's typing on to the contact, if the
// conversation's channel can show it and the operator may answer.
func (es *Events) OperatorTyping(ctx context.Context, sc access.Scope, convID string) error {
	r, err := es.conversationFor(ctx, sc, convID)
	if err != nil {
		return err
	}
	if err := r.mayAnswer(sc); err != nil {
		return err
	}
	if n, ok := es.notifier(r.conv.ChannelKind); ok && r.conv.Status != StatusClosed {
		n.OperatorTyping(ctx, convID, sc.UserID)
	}
	return nil
}

// operatorRead tells the contact's channel that the assignee has read the
// conversation (MarkRead).
func (es *Events) operatorRead(ctx context.Context, r role, sc access.Scope) {
	if r.conv.AssigneeID != sc.UserID {
		return
	}
	if n, ok := es.notifier(r.conv.ChannelKind); ok {
		n.OperatorRead(ctx, r.conv.ID, r.conv.LastSeq)
	}
}
