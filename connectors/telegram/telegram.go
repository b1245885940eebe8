// Package telegram connects Telegram bots to the inbox: each bot is a
// channel of kind "telegram" attached to a line. Members' messages arrive
// by webhook (POST /hooks/telegram/{channel}, authenticated by the secret
// token the hub registered with setWebhook) or by long polling for
// installations without a public address; operators' replies go out
// through the Bot API. It is built on github.com/go-telegram/bot, whose
// base URL can point at a self-hosted Bot API server or a test fake.
package telegram

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// Channel settings and secrets this connector reads.
const (
	settingMode     = "mode"         // "webhook" or "polling"
	settingAPIURL   = "api_url"      // Bot API base URL; empty: Telegram's
	settingUsername = "bot_username" // filled in from getMe
	settingName     = "bot_name"
	settingOffice   = "member_office" // "0": no member's office menu in this bot
	secretToken     = "bot_token"
	secretWebhook   = "webhook_secret"

	modeWebhook = "webhook"
	modePolling = "polling"

	defaultAPIURL = "https://api.telegram.org"
	// defaultRatePerS keeps under Telegram's 30 messages per second per
	// bot with headroom: a turn is taken a few milliseconds before the
	// request reaches Telegram, and that jitter bunches sends (measured
	// by TestBroadcastKeepsLimitsAndLosesNothing: 33 in one second at 30).
	defaultRatePerS = 25
)

// Inbox is what the connector uses of the inbox: the hub fills it from
// the inbox's services.
type Inbox struct {
	inbox.Ingester              // members' messages in
	inbox.Pacer                 // Telegram's limits, shared by the nodes sending for a bot
	inbox.ContactLinker         // shared phones and the bot menu's open conversations
	RatingTaker                 // answers to rating requests (rating.go); nil: none taken
	Threads             Threads // comments' posts (comment.go); nil: only first replies to a post are comments
	Lines               *inbox.Lines
	Channels            *inbox.Channels
}

// Deps is what the connector needs from the hub.
type Deps struct {
	Inbox  Inbox
	Blobs  blob.Store
	Config *config.Config // BaseURL decides the webhook address
	Log    *slog.Logger
	DB     *db.DB // the bot menu's held messages
	// Members, when set, recognises members who share their phone
	// through the bot's request_contact button (the CRM's store).
	Members inbox.MemberFinder
	// Staff, when set, takes staff members' link codes, comments and
	// button presses (staff.go) before the inbox sees a message.
	Staff Staff
	// Office, when set, is the member's office (office.go): menu presses,
	// linking and the card, before the menu and the inbox.
	Office Office
}

// Connector serves every Telegram channel of one hub node.
type Connector struct {
	inbox   Inbox
	blobs   blob.Store
	cfg     *config.Config
	log     *slog.Logger
	client  *http.Client // Bot API calls and file downloads
	sender  *sender
	members inbox.MemberFinder
	menus   *menuStore
	staff   Staff
	office  Office

	// scanEvery is how often the poller manager looks for polling
	// channels that were added, changed or removed.
	scanEvery time.Duration
	pollWait  time.Duration // getUpdates long-poll timeout

	pollers *inbox.ChannelWorkers
	// refused caches, per channel, whether its token was refused (token.go).
	refusedMu sync.Mutex
	refused   map[string]refusal

	ctx  context.Context
	stop context.CancelFunc
	done sync.WaitGroup
}

// New builds the connector; the hub registers its Sender and CheckChannel
// with the inbox.
func New(d Deps) *Connector {
	c := &Connector{inbox: d.Inbox, blobs: d.Blobs, cfg: d.Config, log: d.Log.With("pkg", "telegram"), members: d.Members, menus: &menuStore{db: d.DB}, staff: d.Staff, office: d.Office,
		client:    &http.Client{Timeout: 2 * time.Minute},
		scanEvery: 2 * time.Second, pollWait: 25 * time.Second, refused: map[string]refusal{}}
	c.ctx, c.stop = context.WithCancel(context.Background())
	c.sender = newSender(c)
	return c
}

// Sender sends operators' replies through the Bot API.
func (c *Connector) Sender() inbox.Sender { return c.sender }

// Routes mounts the webhook.
func (c *Connector) Routes(mux *http.ServeMux) {
	h := webhookHandlers{channels: c.inbox.Channels, updates: c}
	mux.HandleFunc("POST /hooks/telegram/{channel}", h.webhook)
}

// Start runs the long-polling manager.
func (c *Connector) Start() {
	c.done.Add(1)
	go func() {
		defer c.done.Done()
		c.pollers = &inbox.ChannelWorkers{Channels: c.inbox.Channels, Kind: inbox.KindTelegram, Every: c.scanEvery, Log: c.log,
			Key: c.pollKey, Work: c.poll, Lease: inbox.DefaultChannelLease} // Telegram allows one getUpdates per bot
		c.pollers.Run(c.ctx)
	}()
	c.done.Add(1)
	go func() {
		defer c.done.Done()
		t := time.NewTicker(30 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-c.ctx.Done():
				return
			case <-t.C:
				c.sweepMenus(c.ctx)
			}
		}
	}()
}

// Stop ends polling and waits for the pollers to return.
func (c *Connector) Stop() {
	c.stop()
	c.done.Wait()
}

func apiURL(ch inbox.Channel) string {
	if u := strings.TrimRight(ch.Settings[settingAPIURL], "/"); u != "" {
		return u
	}
	return defaultAPIURL
}

// newBot makes a client for a channel's bot without calling getMe (the
// channel hook verified the token when it was set).
func (c *Connector) newBot(ch inbox.Channel) (*bot.Bot, error) {
	return bot.New(ch.Secrets[secretToken], bot.WithServerURL(apiURL(ch)), bot.WithSkipGetMe(),
		bot.WithHTTPClient(time.Minute, c.client),
		bot.WithErrorsHandler(func(err error) { c.log.Debug("bot library error", "channel", ch.ID, "err", err) }))
}

// report records what the connector saw in the channel's status.
func (c *Connector) report(ch inbox.Channel, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx), 5*time.Second)
	defer cancel()
	s := inbox.ChannelStatus{Info: botInfo(ch)}
	if err != nil {
		s.LastError, s.LastErrorAt = redact(err.Error(), ch), time.Now().UnixMilli()
	} else {
		s.LastUpdateAt = time.Now().UnixMilli()
	}
	if rerr := c.inbox.Channels.ReportStatus(ctx, ch.ID, s); rerr != nil {
		c.log.Debug("channel status not recorded", "channel", ch.ID, "err", rerr)
	}
}

func botInfo(ch inbox.Channel) string {
	if u := ch.Settings[settingUsername]; u != "" {
		return "@" + u + " (" + ch.Settings[settingName] + ")"
	}
	return ""
}

// redact removes the bot token from text shown to people (library errors
// and download failures can carry URLs).
func redact(s string, ch inbox.Channel) string {
	if t := ch.Secrets[secretToken]; t != "" {
		s = strings.ReplaceAll(s, t, "***")
	}
	return s
}
