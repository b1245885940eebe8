package widget

import (
	"context"

	"github.com/profhub/profhub/inbox"
)

// Delivery is the widget's inbox.Sender. A reply is already in SQL, where
// every socket of the visitor reads it by seq (and a visitor who is away
// reads it on their next visit), so "sending" is done once it is stored:
// the sender only wakes the conversation's sockets on every node, and
// e-mails the reply to a visitor who is away when the channel says so.
type Delivery struct {
	wakeups   *Wakeups
	away      *AwayMail
	operators *Operators
}

var (
	_ inbox.StoredSender    = (*Delivery)(nil)
	_ inbox.ContactNotifier = (*Delivery)(nil)
)

func (d *Delivery) Send(ctx context.Context, ch inbox.Channel, m inbox.OutboundMessage) (inbox.SendResult, error) {
	d.wakeups.wakeConversation(ctx, m.ConversationID, m.Seq) // usually shown already, by Stored

	if err := d.away.mailIfAway(ctx, ch, m); err != nil {
		return inbox.SendResult{}, err
	}
	return inbox.SendResult{ProviderID: m.ID}, nil
}

// Stored wakes the conversation's sockets on every node as soon as an
// operator's reply commits: this node's sockets send the reply as stored,
// the others read it from SQL.
func (d *Delivery) Stored(ctx context.Context, _ inbox.Channel, m inbox.Message) {
	d.wakeups.stored(ctx, m, m.Seq)
}

// SentWhenStored: a reply needs more than storing only when it may be
// e-mailed to a visitor who is away.
func (d *Delivery) SentWhenStored(ch inbox.Channel) bool {
	return !d.away.enabled(ch)
}

// OperatorTyping shows the operator's typing on the visitor's sockets.
func (d *Delivery) OperatorTyping(ctx context.Context, convID, userID string) {
	d.wakeups.signal(ctx, convID, outFrame{Type: "typing", Author: d.operators.name(ctx, userID)})
}

// OperatorRead shows the visitor how far the operator has read.
func (d *Delivery) OperatorRead(ctx context.Context, convID string, seq int64) {
	d.wakeups.signal(ctx, convID, outFrame{Type: "read", Seq: seq})
}
