package telegram

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/profhub/profhub/inbox"
)

// Staff members link their own Telegram accounts to a bot and get their
// notices there, with buttons. What a staff member writes (a link code, a
// comment a button asked for) and the buttons they press are handed to
// Staff before anything reaches the inbox: they never become members'
// conversations.

// Staff is the staff side of the bots (the hub's adapter of the
// notification centre).
type Staff interface {
	// StaffMessage takes a private text message; handled false: it is a
	// member's, for the inbox.
	StaffMessage(ctx context.Context, channelID string, from, chat int64, name, text string) (StaffReply, bool, error)
	// StaffPress takes a pressed inline button's data.
	StaffPress(ctx context.Context, channelID string, from int64, data string) (StaffReply, error)
	// IsStaff says whether a Telegram user is a staff member linked to
	// the bot: their edited messages are dropped.
	IsStaff(ctx context.Context, channelID string, from int64) (bool, error)
}

// StaffReply is what the bot does in answer: Text to the chat (asking for
// an answer when ForceReply), Toast as the pressed button's answer, and
// Clear, a message whose buttons go (ClearPressed: the pressed one).
type StaffReply struct {
	Text         string
	ForceReply   bool
	Toast        string
	Clear        int
	ClearPressed bool
}

// StaffButton is one inline button of a staff notice.
type StaffButton struct{ Text, Data string }

// staffMessage hands a private message to Staff and sends its answer;
// handled false leaves it for the inbox.
// A linked staff member's file or sticker is answered as any other
// message of theirs (the text is empty), and an edit is dropped.
func (c *Connector) staffMessage(ctx context.Context, ch inbox.Channel, b *bot.Bot, msg *models.Message, edited bool) (bool, error) {
	if c.staff == nil || msg.From == nil {
		return false, nil
	}
	if edited {
		return c.staff.IsStaff(ctx, ch.ID, msg.From.ID)
	}
	name := strings.TrimSpace(msg.From.FirstName + " " + msg.From.LastName)
	if msg.From.Username != "" {
		name = strings.TrimSpace(name + " @" + msg.From.Username)
	}
	r, handled, err := c.staff.StaffMessage(ctx, ch.ID, msg.From.ID, msg.Chat.ID, name, firstNonEmpty(msg.Text, msg.Caption))
	if err != nil || !handled {
		return handled, err
	}
	c.answerStaff(ctx, ch, b, msg.Chat.ID, r)
	return true, nil
}

// staffPress answers a pressed button. Telegram shows a spinner on the
// button until the bot answers the callback query, so it is answered
// even when Staff fails.
func (c *Connector) staffPress(ctx context.Context, ch inbox.Channel, b *bot.Bot, q *models.CallbackQuery) error {
	var r StaffReply
	var err error
	if c.staff != nil {
		r, err = c.staff.StaffPress(ctx, ch.ID, q.From.ID, q.Data)
	}
	if _, aerr := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: q.ID, Text: r.Toast}); aerr != nil {
		c.log.Warn("telegram callback query not answered", "channel", ch.ID, "err", redact(aerr.Error(), ch))
	}
	if err != nil {
		return err
	}
	var chat int64
	var pressed int
	if m := q.Message.Message; m != nil {
		chat, pressed = m.Chat.ID, m.ID
	} else if m := q.Message.InaccessibleMessage; m != nil {
		chat, pressed = m.Chat.ID, m.MessageID
	}
	if r.ClearPressed {
		r.Clear = pressed
	}
	if chat != 0 {
		c.answerStaff(ctx, ch, b, chat, r)
	}
	return nil
}

// answerStaff sends a reply's message and takes the buttons off the one
// it names. Failures are logged: the action itself is done.
func (c *Connector) answerStaff(ctx context.Context, ch inbox.Channel, b *bot.Bot, chat int64, r StaffReply) {
	if r.Clear != 0 {
		if _, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: chat, MessageID: r.Clear,
			ReplyMarkup: models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{}}}); err != nil {
			c.log.Debug("telegram buttons not removed", "channel", ch.ID, "err", redact(err.Error(), ch))
		}
	}
	if r.Text == "" {
		return
	}
	p := &bot.SendMessageParams{ChatID: chat, Text: r.Text}
	if r.ForceReply {
		p.ReplyMarkup = models.ForceReply{ForceReply: true}
	}
	if _, err := b.SendMessage(ctx, p); err != nil {
		c.log.Warn("telegram answer to a staff member not sent", "channel", ch.ID, "err", redact(err.Error(), ch))
	}
}

// SendStaff sends a notice to a staff member's chat through a channel's
// bot, with its buttons, one per row, and returns the message's id. It
// keeps the bot's pace (one message a second in a chat, a 429 pausing
// the bot) as replies do.
func (c *Connector) SendStaff(ctx context.Context, channelID string, chat int64, text string, buttons []StaffButton) (int, error) {
	ch, b, err := c.staffBot(ctx, channelID)
	if err != nil {
		return 0, err
	}
	if err := c.sender.waitTurn(ctx, ch.ID, strconv.FormatInt(chat, 10), false); err != nil {
		return 0, err
	}
	p := &bot.SendMessageParams{ChatID: chat, Text: text}
	if len(buttons) > 0 {
		kb := models.InlineKeyboardMarkup{}
		for _, bt := range buttons {
			kb.InlineKeyboard = append(kb.InlineKeyboard, []models.InlineKeyboardButton{{Text: bt.Text, CallbackData: bt.Data}})
		}
		p.ReplyMarkup = kb
	}
	msg, err := b.SendMessage(ctx, p)
	if err != nil {
		return 0, c.sender.classify(ch, err)
	}
	return msg.ID, nil
}

func (c *Connector) staffBot(ctx context.Context, channelID string) (inbox.Channel, *bot.Bot, error) {
	ch, err := c.inbox.Channels.Get(ctx, channelID)
	if err != nil {
		return ch, nil, err
	}
	if ch.Kind != inbox.KindTelegram || ch.Secrets[secretToken] == "" || ch.Disabled {
		return ch, nil, &inbox.SendError{Permanent: true, Reason: fmt.Sprintf("channel %s is not an enabled Telegram bot", channelID)}
	}
	if c.tokenRefused(ctx, ch) {
		return ch, nil, &inbox.SendError{Permanent: true, Reason: reasonTokenRefused}
	}
	b, err := c.newBot(ch)
	return ch, b, err
}
