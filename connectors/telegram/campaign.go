package telegram

import (
	"context"
	"strconv"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/profhub/profhub/inbox"
)

// SendCampaign sends one message of a mass mailing (package mailing) to a
// chat through a channel's bot. html is Telegram's HTML subset, already
// escaped by the campaign's template. It shares the reply path's pacing:
// one message per second in a chat, and a 429 pauses the whole bot, for
// replies and campaigns alike. Errors are *inbox.SendError where Telegram
// said why (RetryAfter for 429, Permanent and Blocked for a blocked bot).
// Telegram has no idempotency key: a resend after a crash can arrive twice.
func (c *Connector) SendCampaign(ctx context.Context, channelID, chat, html, _ string) (string, error) {
	ch, err := c.inbox.Channels.Get(ctx, channelID)
	if err != nil {
		return "", err
	}
	if ch.Kind != inbox.KindTelegram || ch.Secrets[secretToken] == "" {
		return "", &inbox.SendError{Permanent: true, Reason: "channel " + channelID + " is not a Telegram bot with a token"}
	}
	chatID, err := strconv.ParseInt(chat, 10, 64)
	if err != nil {
		return "", &inbox.SendError{Permanent: true, Reason: "not a Telegram chat id: " + chat}
	}
	if c.tokenRefused(ctx, ch) {
		return "", &inbox.SendError{Permanent: true, Reason: reasonTokenRefused}
	}
	if err := c.sender.waitTurn(ctx, ch.ID, chat, false); err != nil {
		return "", err
	}
	b, err := c.newBot(ch)
	if err != nil {
		return "", err
	}
	noPreview := true
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: html, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: &noPreview}})
	if err != nil {
		return "", c.sender.classify(ch, err)
	}
	return strconv.Itoa(msg.ID), nil
}
