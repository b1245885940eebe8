package widget

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/storage/db"
)

// A transcript of a widget conversation goes by e-mail to the visitor:
// they ask for it in the chat's menu or after the close (to their own
// address or one they type), an operator sends it from the console (to the
// visitor's own address only), or the channel sends it on every close
// (setting transcript_on_close). It goes through the mail channel that
// answers away visitors (offline_mail_channel), with an HTML version
// whose every text is escaped, and is written in the conversation's
// history. The limits are in transcript_store.go.

// settingTranscriptOnClose ("true") e-mails the transcript to a visitor
// who left an address whenever their conversation closes.
const settingTranscriptOnClose = "transcript_on_close"

// ChannelNoter writes a channel's event in a conversation's history
// (*inbox.Actions).
type ChannelNoter interface {
	ChannelNote(ctx context.Context, convID, code string, data map[string]any) error
}

var (
	errTranscriptLimit = valid.Refuse(db.ErrConflict, "transcript_limit", "a conversation's transcript can be sent %d times an hour", transcriptsPerHour)
	errTypedLimit      = valid.Refuse(db.ErrConflict, "transcript_typed_limit", "a transcript can go to a typed address %d times a day", typedTranscriptsPerDay)
	errNoMailbox       = valid.Refuse(db.ErrConflict, "transcript_no_mailbox", "this chat does not send e-mail")
	errNoAddress       = valid.Refuse(db.ErrConflict, "transcript_no_address", "the visitor left no e-mail address")
	errNoConversation  = valid.Refuse(db.ErrConflict, "transcript_no_conversation", "there is no conversation to send yet")
	errNotSent         = valid.Refuse(db.ErrConflict, "transcript_not_sent", "the letter could not be sent; try again later")
)

// Transcripts e-mails conversations' transcripts.
type Transcripts struct {
	mailer    Mailer // nil: never
	log       *TranscriptLog
	letters   *Letters
	notes     ChannelNoter
	inbox     Inbox
	visitors  *Visitors
	channels  *Channels
	operators *Operators
	triggers  *Triggers
	zone      *time.Location
	logger    *slog.Logger
	closings  chan closing
}

// transcriptAsk is one letter asked for.
type transcriptAsk struct {
	ch         inbox.Channel
	v          visitor
	convID     string
	to         string // an address the visitor typed; "" their own
	source     string // visitor, operator, close
	operatorID string
	closeKey   string // the closing a letter on close is for
}

// offered reports whether ch can send transcripts.
func (t *Transcripts) offered(ch inbox.Channel) bool {
	return t.mailer != nil && ch.Settings[settingMailChannel] != ""
}

// send checks the limits, sends the letter and writes it in the history;
// it returns the address the letter went to.
func (t *Transcripts) send(ctx context.Context, a transcriptAsk) (string, error) {
	if !t.offered(a.ch) {
		return "", errNoMailbox
	}
	if a.convID == "" {
		return "", errNoConversation
	}
	_, own, _ := splitContact(a.v.Contact)
	address, typed := own, false
	if to := strings.TrimSpace(a.to); to != "" && !strings.EqualFold(to, own) {
		_, email, ok := splitContact(to)
		if !ok || email == "" || len(to) > 200 {
			return "", valid.Errorf("email", "email", "%q is not an e-mail address", to)
		}
		address, typed = email, true
	}
	if address == "" {
		return "", errNoAddress
	}
	row := transcriptRow{channelID: a.ch.ID, convID: a.convID, visitorID: a.v.ID, address: address, typed: typed, source: a.source, closeKey: a.closeKey}
	if ok, err := t.log.reserve(ctx, &row); err != nil || !ok {
		return "", err
	}
	subject, text, html, err := t.compose(ctx, a)
	if err == nil {
		key := "widget.transcript." + row.id
		// A reply to the letter joins the chat, as a reply to an
		// e-mailed answer does (mail_reply.go), if it is from the visitor.
		if err = t.letters.record(ctx, key, a.ch.Settings[settingMailChannel], a.ch.ID, a.v.ID, a.convID); err == nil {
			err = t.mailer.SendHTMLLetterAs(ctx, a.ch.Settings[settingMailChannel], key, address, subject, text, html)
		}
	}
	t.log.done(ctx, row.id, err)
	note := map[string]any{"to": address, "source": a.source}
	if a.operatorID != "" {
		note["operator_id"] = a.operatorID
	}
	code := "transcript_sent"
	if err != nil {
		code = "transcript_failed"
		t.logger.Warn("transcript not sent", "conversation", a.convID, "source", a.source, "err", err)
	}
	if nerr := t.notes.ChannelNote(context.WithoutCancel(ctx), a.convID, code, note); nerr != nil {
		t.logger.Warn("transcript not written in the history", "conversation", a.convID, "err", nerr)
	}
	if err != nil {
		return "", errNotSent
	}
	t.logger.Info("transcript e-mailed", "conversation", a.convID, "source", a.source, "typed", typed)
	return address, nil
}

// forOperator sends the transcript of a conversation the operator sees to
// its visitor's own address.
func (t *Transcripts) forOperator(ctx context.Context, conv inbox.Conversation, operatorID string) (string, error) {
	ch, v, err := t.visitorOf(ctx, conv)
	if err != nil {
		return "", err
	}
	return t.send(ctx, transcriptAsk{ch: ch, v: v, convID: conv.ID, source: "operator", operatorID: operatorID})
}

// ownAddress is the address an operator's transcript would go to ("" none)
// and whether the channel sends transcripts at all.
func (t *Transcripts) ownAddress(ctx context.Context, conv inbox.Conversation) (string, bool, error) {
	ch, v, err := t.visitorOf(ctx, conv)
	if err != nil {
		return "", false, err
	}
	_, own, _ := splitContact(v.Contact)
	return own, t.offered(ch), nil
}

// visitorOf finds a widget conversation's channel and visitor.
func (t *Transcripts) visitorOf(ctx context.Context, conv inbox.Conversation) (inbox.Channel, visitor, error) {
	if conv.ChannelKind != "" && conv.ChannelKind != inbox.KindWidget {
		return inbox.Channel{}, visitor{}, errNoMailbox
	}
	ch, err := t.channels.get(ctx, conv.ChannelID)
	if errors.Is(err, errNoChannel) {
		return ch, visitor{}, errNoMailbox
	}
	if err != nil {
		return ch, visitor{}, err
	}
	v, err := t.visitors.byID(ctx, conv.ExternalChatID)
	if errors.Is(err, sql.ErrNoRows) {
		return ch, v, errNoAddress
	}
	return ch, v, err
}
