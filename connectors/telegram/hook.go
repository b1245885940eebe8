package telegram

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/go-telegram/bot"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// CheckChannel is the channel hook: it runs when a Telegram channel is
// created or changed, before it is stored. It verifies the token with
// getMe, records the bot's name, and registers or removes the webhook so
// that Telegram delivers updates the way the channel's mode says.
func (c *Connector) CheckChannel(ctx context.Context, ch *inbox.Channel) error {
	token := strings.TrimSpace(ch.Secrets[secretToken])
	if token == "" {
		return valid.Errorf("secrets.bot_token", "required", "paste the bot token that @BotFather gave you")
	}
	ch.Secrets[secretToken] = token
	if raw := ch.Settings[settingAPIURL]; raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return valid.Errorf("settings.api_url", "url", "api_url must be an absolute http(s) address of a Bot API server")
		}
	}
	mode := ch.Settings[settingMode]
	if mode == "" {
		mode = modePolling
		if c.cfg.BaseURL != "" {
			mode = modeWebhook
		}
	}
	if mode != modeWebhook && mode != modePolling {
		return valid.Errorf("settings.mode", "mode", "mode must be webhook or polling")
	}
	if mode == modeWebhook && c.cfg.BaseURL == "" {
		return valid.Errorf("settings.mode", "base_url", "webhook mode needs the hub's public address (PROFHUB_BASE_URL); use polling mode without one")
	}
	ch.Settings[settingMode] = mode
	if err := c.checkMenu(ctx, ch); err != nil {
		return err
	}
	if ch.RatePerS == 0 {
		ch.RatePerS = defaultRatePerS
	}

	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	b, err := bot.New(token, bot.WithServerURL(apiURL(*ch)), bot.WithCheckInitTimeout(10*time.Second),
		bot.WithHTTPClient(time.Minute, c.client), bot.WithErrorsHandler(func(error) {}))
	if err != nil {
		if errors.Is(err, bot.ErrorUnauthorized) || errors.Is(err, bot.ErrorNotFound) {
			return valid.Errorf("secrets.bot_token", "token", "Telegram does not accept this bot token; copy it again from @BotFather")
		}
		return valid.Errorf("secrets.bot_token", "unreachable", "could not check the token with the Bot API at %s: %s", apiURL(*ch), redact(err.Error(), *ch))
	}
	me, err := b.GetMe(ctx)
	if err != nil {
		return valid.Errorf("secrets.bot_token", "unreachable", "could not check the token with the Bot API: %s", redact(err.Error(), *ch))
	}
	c.tokenAccepted(ctx, *ch)
	ch.Settings[settingUsername] = me.Username
	ch.Settings[settingName] = strings.TrimSpace(me.FirstName + " " + me.LastName)
	c.setCommands(ctx, *ch, b)

	if mode == modePolling {
		// getUpdates is refused while a webhook is set.
		if _, err := b.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil {
			return valid.Errorf("settings.mode", "webhook", "could not remove the bot's webhook for polling: %s", redact(err.Error(), *ch))
		}
		return nil
	}
	if ch.Secrets[secretWebhook] == "" {
		s := make([]byte, 32)
		_, _ = rand.Read(s)
		// Telegram allows A-Z, a-z, 0-9, _ and - (base64url), up to 256.
		ch.Secrets[secretWebhook] = base64.RawURLEncoding.EncodeToString(s)
	}
	hook := strings.TrimRight(c.cfg.BaseURL, "/") + "/hooks/telegram/" + ch.ID
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: hook, SecretToken: ch.Secrets[secretWebhook],
		AllowedUpdates: []string{"message", "edited_message", "callback_query"}}); err != nil {
		return valid.Errorf("settings.mode", "webhook", "Telegram refused the webhook %s: %s", hook, redact(err.Error(), *ch))
	}
	return nil
}
