package widget

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/profhub/profhub/inbox"
)

// A visitor who left an e-mail address and has no socket open on any node
// gets the operator's reply by e-mail too (the offline form's "we will
// answer you"), through the mail channel named by the widget channel's
// setting offline_mail_channel. The reply stays in the chat as well.

// settingMailChannel names the mail channel whose mailbox sends answers.
const settingMailChannel = "offline_mail_channel"

// Mailer sends a plain letter through a mail channel's SMTP account under
// the Message-ID key@<the mailbox's domain>; connectors/mail implements it.
type Mailer interface {
	SendLetterAs(ctx context.Context, mailChannelID, key, to, subject, text string) error
	// SendHTMLLetterAs adds an HTML version (escaped by the caller).
	SendHTMLLetterAs(ctx context.Context, mailChannelID, key, to, subject, text, html string) error
}

// AwayMail e-mails operators' replies to visitors who are not on the site.
type AwayMail struct {
	mailer    Mailer // nil: never
	visitors  *Visitors
	letters   *Letters
	presence  *Presence
	operators *Operators
	log       *slog.Logger
}

// enabled reports whether replies through ch may be e-mailed.
func (a *AwayMail) enabled(ch inbox.Channel) bool {
	return ch.Settings[settingMailChannel] != "" && a.mailer != nil
}

// mailIfAway e-mails an operator's reply to a visitor who is not on the
// site. An error makes the dispatcher try the reply again (the chat side
// is idempotent: a socket reads by seq); a permanent one marks the reply
// failed with the reason, so the operator knows the letter did not go.
func (a *AwayMail) mailIfAway(ctx context.Context, ch inbox.Channel, m inbox.OutboundMessage) error {
	mailCh := ch.Settings[settingMailChannel]
	if !a.enabled(ch) || m.AuthorID == "" { // automatic replies are not mailed
		return nil
	}
	v, err := a.visitors.byID(ctx, m.ExternalChatID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	_, email, _ := splitContact(v.Contact)
	if email == "" {
		return nil
	}
	live, err := a.presence.live(ctx, v.ID)
	if err != nil {
		return fmt.Errorf("widget: visitor presence: %w", err)
	}
	if live {
		return nil
	}
	title := setting(ch, settingTitle, ch.Name)
	subject, files := title+": ответ на ваше обращение", "Файлы к ответу — в чате на сайте."
	if setting(ch, settingLang, "ru") == "en" {
		subject, files = title+": a reply to your question", "The files of this reply are in the chat on the site."
	}
	text := m.Text
	if len(m.Attachments) > 0 {
		text += "\n\n" + files
	}
	if name := a.operators.name(ctx, m.AuthorID); name != "" {
		text += "\n\n-- \n" + name + "\n" + title
	}
	key := letterKey(m.ID)
	if err := a.letters.record(ctx, key, mailCh, ch.ID, v.ID, m.ConversationID); err != nil {
		return err
	}
	if err := a.mailer.SendLetterAs(ctx, mailCh, key, email, subject, text); err != nil {
		return err
	}
	a.log.Info("reply e-mailed to an away visitor", "conversation", m.ConversationID, "message", m.ID)
	return nil
}
