package widget

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/profhub/profhub/inbox"
)

// A visitor who left an e-mail address and has no socket open on any node
// gets the operator's reply by e-mail too (the offline form's "we will
// answer you"), through the mail channel named by the widget channel's
// setting offline_mail_channel. The reply stays in the chat as well.

// settingMailChannel names the mail channel whose mailbox sends answers.
const settingMailChannel = "offline_mail_channel"

// Mailer sends a plain letter through a mail channel's SMTP account;
// connectors/mail implements it.
type Mailer interface {
	SendLetter(ctx context.Context, mailChannelID, to, subject, text string) error
}

func (w *Widget) liveKey(visitorID string) string { return w.kv.Key("widget", "live", visitorID) }

// markLive records one of the visitor's sockets in a sorted set shared by
// the nodes; like the sockets' slots, entries expire unless refreshed.
func (w *Widget) markLive(ctx context.Context, visitorID, slot string) {
	k := w.liveKey(visitorID)
	pipe := w.kv.Pipeline()
	pipe.ZAdd(ctx, k, redis.Z{Score: float64(time.Now().Add(socketSlotTTL).UnixMilli()), Member: slot})
	pipe.PExpire(ctx, k, socketSlotTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		w.log.Warn("visitor presence not recorded", "err", err)
	}
}

func (w *Widget) unmarkLive(ctx context.Context, visitorID, slot string) {
	w.kv.ZRem(ctx, w.liveKey(visitorID), slot)
}

// visitorLive reports whether the visitor has a socket open on any node.
func (w *Widget) visitorLive(ctx context.Context, visitorID string) (bool, error) {
	n, err := w.kv.ZCount(ctx, w.liveKey(visitorID), fmt.Sprint(time.Now().UnixMilli()), "+inf").Result()
	return n > 0, err
}

// mailIfAway e-mails an operator's reply to a visitor who is not on the
// site. An error makes the dispatcher try the reply again (the chat side
// is idempotent: a socket reads by seq); a permanent one marks the reply
// failed with the reason, so the operator knows the letter did not go.
func (w *Widget) mailIfAway(ctx context.Context, ch inbox.Channel, m inbox.OutboundMessage) error {
	mailCh := ch.Settings[settingMailChannel]
	if mailCh == "" || w.mailer == nil || m.AuthorID == "" { // automatic replies are not mailed
		return nil
	}
	v, err := w.visitorByID(ctx, m.ExternalChatID)
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
	live, err := w.visitorLive(ctx, v.ID)
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
	if name := w.operatorName(ctx, m.AuthorID); name != "" {
		text += "\n\n-- \n" + name + "\n" + title
	}
	if err := w.mailer.SendLetter(ctx, mailCh, email, subject, text); err != nil {
		return err
	}
	w.log.Info("reply e-mailed to an away visitor", "conversation", m.ConversationID, "message", m.ID)
	return nil
}
