package mail

import (
	"context"

	"github.com/profhub/profhub/inbox"
)

// ReplyTaker is another part of the hub that sends letters through a
// mailbox on behalf of its own conversations (the site widget answers away
// visitors by e-mail). A letter answering one of those belongs in that
// conversation, not in a new mail one, so the connector offers it first.
type ReplyTaker interface {
	// TakeReply ingests r where it belongs and returns the conversation,
	// or "" when no letter of the taker's is among r.Refs.
	TakeReply(ctx context.Context, mailChannelID string, r LetterReply) (TakenReply, error)
}

// LetterReply is a letter offered to a ReplyTaker.
type LetterReply struct {
	ID          string   // deduplication key of the letter in its mailbox
	Refs        []string // In-Reply-To and References, the nearest last
	From        string   // the sender's address, lower case
	Subject     string
	Text        string
	Attachments []inbox.Attachment // already in the blob store: the raw letter first
}

// TakenReply is what a ReplyTaker did with a letter.
type TakenReply struct {
	ConversationID string // "" when the letter is not the taker's
	Duplicate      bool   // it was taken before
}

// offerReply hands the letter to the ReplyTaker, if there is one and the
// letter answers something. Automatic replies (vacation notices) are left
// to the mail conversation, where an operator sees them without them
// speaking in the visitor's name.
func (c *Connector) offerReply(ctx context.Context, ch inbox.Channel, l *letter, id string, atts []inbox.Attachment) (TakenReply, error) {
	refs := append(append([]string{}, l.references...), l.inReplyTo...)
	if c.replies == nil || l.auto != "" || len(refs) == 0 {
		return TakenReply{}, nil
	}
	text := l.text
	if l.quarantine != "" {
		text = "[" + l.quarantine + "]"
	}
	return c.replies.TakeReply(ctx, ch.ID, LetterReply{ID: id, Refs: refs, From: l.fromAddr, Subject: cleanSubject(l.subject),
		Text: text, Attachments: atts})
}
