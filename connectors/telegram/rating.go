package telegram

import (
	"context"
	"strconv"
	"strings"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/profhub/profhub/inbox"
)

// A rating request (sent when a conversation closes on a line that asks
// for one) carries five inline buttons; a press is answered with
// answerCallbackQuery and the buttons are replaced by the thanks.

// ratingData is a button's callback data: "rate:<token>:<n>", within
// Telegram's 64 bytes.
const ratingData = "rate:"

// RatingTaker records a contact's answer to a rating request (*inbox.Ratings).
type RatingTaker interface {
	RateByToken(ctx context.Context, tok, chat string, rating int) (inbox.RatingOutcome, error)
}

// ratingKeyboard is the row of buttons 1 to 5 under a rating request.
func ratingKeyboard(ask *inbox.RatingAsk) models.InlineKeyboardMarkup {
	row := make([]models.InlineKeyboardButton, 5)
	for i := range row {
		n := strconv.Itoa(i + 1)
		row[i] = models.InlineKeyboardButton{Text: n, CallbackData: ratingData + ask.Token + ":" + n}
	}
	return models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{row}}
}

// ratingPress takes a pressed rating button. The callback query is always
// answered (Telegram spins the button until then); a forged or foreign
// token is refused and changes nothing.
func (c *Connector) ratingPress(ctx context.Context, ch inbox.Channel, b *bot.Bot, q *models.CallbackQuery) error {
	out := inbox.RatingOutcome{Status: inbox.RatingInvalid}
	var err error
	rest := strings.TrimPrefix(q.Data, ratingData)
	tok, nStr, _ := strings.Cut(rest, ":")
	n, _ := strconv.Atoi(nStr)
	var chat int64
	var pressed int
	if m := q.Message.Message; m != nil {
		chat, pressed = m.Chat.ID, m.ID
	} else if m := q.Message.InaccessibleMessage; m != nil {
		chat, pressed = m.Chat.ID, m.MessageID
	}
	if c.inbox.RatingTaker != nil && chat != 0 {
		out, err = c.inbox.RatingTaker.RateByToken(ctx, tok, strconv.FormatInt(chat, 10), n)
	}
	if out.Status == inbox.RatingInvalid && out.Text == "" {
		out.Text = "—"
	}
	if _, aerr := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: q.ID, Text: out.Text}); aerr != nil {
		c.log.Warn("telegram rating press not answered", "channel", ch.ID, "err", redact(aerr.Error(), ch))
	}
	if err != nil || out.Status == inbox.RatingInvalid || pressed == 0 {
		return err
	}
	// The buttons give way to one that says what counts.
	done := models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: out.Text, CallbackData: ratingData + "done"}}}}
	if _, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: chat, MessageID: pressed, ReplyMarkup: done}); err != nil {
		c.log.Debug("telegram rating buttons not replaced", "channel", ch.ID, "err", redact(err.Error(), ch))
	}
	return nil
}
