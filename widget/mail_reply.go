package widget

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"

	"github.com/profhub/profhub/inbox"
)

// An answer e-mailed to an away visitor goes out as <widget.MESSAGE@domain>,
// recorded before it is sent; the visitor's reply names it in In-Reply-To
// or References, and the mail connector offers such a letter here first.
// Only a letter from the visitor's own address is taken, so a stranger who
// quotes the header lands in an ordinary mail conversation.

// MailReply is a letter the mail connector offers the widget (the hub
// adapts the connector's own type, so the widget does not import it).
type MailReply struct {
	ID          string   // deduplication key of the letter in its mailbox
	Refs        []string // In-Reply-To and References, the nearest last
	From        string   // the sender's address, lower case
	Subject     string
	Text        string
	Attachments []inbox.Attachment // already in the blob store: the raw letter first
}

// TakenMailReply is what the widget did with a letter.
type TakenMailReply struct {
	ConversationID string // "" when the letter answers none of the widget's
	Duplicate      bool   // it was taken before
}

// MailReplies takes visitors' answers to e-mailed replies into their chats.
type MailReplies struct {
	letters  *Letters
	visitors *Visitors
	channels *Channels
	messages *Messages
	log      *slog.Logger
}

// TakeReply ingests a visitor's reply to an e-mailed answer as their chat
// message, keyed by the letter so a letter read twice is stored once.
func (m *MailReplies) TakeReply(ctx context.Context, mailChannelID string, r MailReply) (TakenMailReply, error) {
	v, chID, found, err := m.letterVisitor(ctx, mailChannelID, r.Refs)
	if err != nil || !found {
		return TakenMailReply{}, err
	}
	if _, email, _ := splitContact(v.Contact); email == "" || email != r.From {
		m.log.Info("a reply to an e-mailed answer from another address stays in the mailbox's conversations",
			"visitor", v.ID, "from", r.From)
		return TakenMailReply{}, nil
	}
	ch, err := m.channels.get(ctx, chID)
	if errors.Is(err, errNoChannel) {
		return TakenMailReply{}, nil // the chat was removed: the letter opens a mail conversation
	}
	if err != nil {
		return TakenMailReply{}, err
	}
	sum := sha256.Sum256([]byte(r.ID))
	res, err := m.messages.ingest(ctx, ch, &v, "mail-"+hex.EncodeToString(sum[:20]), cutRunes(r.Text, m.channels.limitsFor(ch).MaxTextRunes), r.Attachments, "")
	if err != nil {
		return TakenMailReply{}, err
	}
	m.log.Info("a reply by e-mail joined the visitor's chat", "visitor", v.ID, "conversation", res.ConversationID, "duplicate", res.Duplicate)
	return TakenMailReply{ConversationID: res.ConversationID, Duplicate: res.Duplicate}, nil
}

// letterVisitor finds the visitor an e-mailed answer among refs went to,
// trying the nearest reference first.
func (m *MailReplies) letterVisitor(ctx context.Context, mailChannelID string, refs []string) (v visitor, channelID string, found bool, err error) {
	for i := len(refs) - 1; i >= 0; i-- {
		key, _, ok := strings.Cut(refs[i], "@")
		if !ok || !strings.HasPrefix(key, "widget.") {
			continue
		}
		visitorID, chID, ok, err := m.letters.find(ctx, mailChannelID, key)
		if err != nil {
			return v, "", false, err
		}
		if !ok {
			continue
		}
		if v, err = m.visitors.byID(ctx, visitorID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			return v, "", false, err
		}
		return v, chID, true, nil
	}
	return v, "", false, nil
}

// cutRunes keeps the first n characters of s: a letter may be longer than
// a chat message, and its whole text stays in the attached original.
func cutRunes(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return strings.TrimSpace(string(r[:n-1])) + "…"
	}
	return s
}
