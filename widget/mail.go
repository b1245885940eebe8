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

// Mailer sends a plain letter through a mail channel's SMTP account under
// the Message-ID key@<the mailbox's domain>; connectors/mail implements it.
type Mailer interface {
	SendLetterAs(ctx context.Context, mailChannelID, key, to, subject, text string) error
}

// Presence is two keys for the whole installation, not one per visitor:
// the embedded Redis-compatible server walks every key on each command to
// expire them, and ten thousand visitor keys slowed each command to
// milliseconds. Members are "visitor|socket slot": liveMembers, all at
// score 0, answers "has this visitor a socket?" by a lexical range;
// liveExpiry scores them with their expiry, so a node that died leaves
// entries that the other nodes' sweeps remove.
func (w *Widget) liveMembers() string { return w.kv.Key("widget", "{live}", "members") }
func (w *Widget) liveExpiry() string  { return w.kv.Key("widget", "{live}", "expiry") }

func liveMember(visitorID, slot string) string { return visitorID + "|" + slot }

// markLive records one of the visitor's sockets.
func (w *Widget) markLive(ctx context.Context, visitorID, slot string) {
	m := liveMember(visitorID, slot)
	pipe := w.kv.TxPipeline()
	pipe.ZAdd(ctx, w.liveMembers(), redis.Z{Member: m})
	pipe.ZAdd(ctx, w.liveExpiry(), redis.Z{Score: float64(time.Now().Add(socketSlotTTL).UnixMilli()), Member: m})
	if _, err := pipe.Exec(ctx); err != nil {
		w.log.Warn("visitor presence not recorded", "err", err)
	}
}

func (w *Widget) unmarkLive(ctx context.Context, visitorID, slot string) {
	m := liveMember(visitorID, slot)
	pipe := w.kv.TxPipeline()
	pipe.ZRem(ctx, w.liveMembers(), m)
	pipe.ZRem(ctx, w.liveExpiry(), m)
	_, _ = pipe.Exec(ctx)
}

// sweepLive removes the sockets whose node stopped refreshing them.
func (w *Widget) sweepLive(ctx context.Context) {
	stale, err := w.kv.ZRangeByScore(ctx, w.liveExpiry(), &redis.ZRangeBy{Min: "-inf", Max: fmt.Sprint(time.Now().UnixMilli())}).Result()
	if err != nil || len(stale) == 0 {
		return
	}
	pipe := w.kv.TxPipeline()
	pipe.ZRem(ctx, w.liveMembers(), toAny(stale)...)
	pipe.ZRem(ctx, w.liveExpiry(), toAny(stale)...)
	_, _ = pipe.Exec(ctx)
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// visitorLive reports whether the visitor has a socket open on any node.
func (w *Widget) visitorLive(ctx context.Context, visitorID string) (bool, error) {
	w.sweepLive(ctx)
	ms, err := w.kv.ZRangeByLex(ctx, w.liveMembers(), &redis.ZRangeBy{Min: "[" + visitorID + "|", Max: "(" + visitorID + "}", Count: 1}).Result()
	return len(ms) > 0, err
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
	key := letterKey(m.ID)
	if err := w.recordLetter(ctx, key, mailCh, ch.ID, v.ID, m.ConversationID); err != nil {
		return err
	}
	if err := w.mailer.SendLetterAs(ctx, mailCh, key, email, subject, text); err != nil {
		return err
	}
	w.log.Info("reply e-mailed to an away visitor", "conversation", m.ConversationID, "message", m.ID)
	return nil
}
