package telegram

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// pollKey says whether a channel is polled and what its poller depends
// on: a new token or API address restarts it. A token Telegram refused
// is not polled until it is changed.
func (c *Connector) pollKey(ch inbox.Channel) (string, bool) {
	if ch.Settings[settingMode] != modePolling || ch.Secrets[secretToken] == "" || c.tokenRefused(c.ctx, ch) {
		return "", false
	}
	return ch.Secrets[secretToken] + "\x00" + apiURL(ch), true
}

// poll runs getUpdates for one bot until ctx ends. The library keeps the
// offset (each request confirms the updates before it) and backs off after
// errors (up to 5 s). Updates are handed over one at a time and the next
// is fetched only after the handler took it, so a stop loses nothing:
// unconfirmed updates come again on the next start, and a replay is
// deduplicated by ingest.
func (c *Connector) poll(ctx context.Context, ch inbox.Channel) {
	c.log.Info("telegram long polling started", "channel", ch.ID, "bot", ch.Settings[settingUsername])
	defer c.log.Info("telegram long polling stopped", "channel", ch.ID)
	// A refused token ends this poller at once (the library would retry
	// every 5 s for ever); pollKey keeps it from starting again.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	b, err := bot.New(ch.Secrets[secretToken], bot.WithServerURL(apiURL(ch)), bot.WithSkipGetMe(),
		bot.WithHTTPClient(c.pollWait, &http.Client{Timeout: c.pollWait + 15*time.Second}),
		bot.WithAllowedUpdates(bot.AllowedUpdates{"message", "edited_message", "callback_query"}),
		bot.WithUpdatesChannelCap(0), bot.WithNotAsyncHandlers(), bot.WithWorkers(1),
		bot.WithErrorsHandler(func(err error) {
			if ctx.Err() != nil {
				return
			}
			if errors.Is(err, bot.ErrorUnauthorized) || errors.Is(err, bot.ErrorNotFound) {
				c.refuseToken(ch, err.Error())
				stop()
				return
			}
			c.log.Warn("telegram polling error", "channel", ch.ID, "err", redact(err.Error(), ch))
			c.report(ch, err)
		}),
		bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, u *models.Update) {
			c.ingestPolled(ctx, ch, b, u)
		}))
	if err != nil {
		c.report(ch, err)
		return
	}
	b.Start(ctx)
}

// ingestPolled stores one polled update, trying a few times: the update
// is confirmed to Telegram by the next getUpdates and would not come back.
// It finishes even when the hub is stopping.
func (c *Connector) ingestPolled(ctx context.Context, ch inbox.Channel, b *bot.Bot, u *models.Update) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	wait := time.Second
	for attempt := 1; ; attempt++ {
		err := c.handleUpdate(ctx, ch, b, u)
		var ve *valid.Error
		switch {
		case err == nil:
			c.report(ch, nil)
			return
		case errors.As(err, &ve), errors.Is(err, inbox.ErrChannelDisabled):
			c.log.Warn("telegram update refused", "channel", ch.ID, "update", u.ID, "err", err)
			return
		case attempt == 4:
			c.log.Error("telegram update lost after retries", "channel", ch.ID, "update", u.ID, "err", err)
			c.report(ch, err)
			return
		}
		time.Sleep(wait)
		wait *= 2
	}
}
