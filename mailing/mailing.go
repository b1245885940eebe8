// Package mailing sends mass mailings (campaigns) to CRM segments and
// imported lists by e-mail, SMS, Telegram and VK. Every campaign has a
// ledger in SQL, one row per recipient and channel; a single runner across
// all hub nodes (an SQL lease) claims pending rows in batches, sends them
// and marks each row only after the server confirmed it, so a crash, kill
// -9 or restart resumes exactly where it stopped and a resend after a
// crash carries the same Message-ID as the lost first copy.
package mailing

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/kv"
)

// Kind says what the law asks of a campaign: advertising (38-FZ, 126-FZ)
// goes only to people with advertising consent.
type Kind string

const (
	Informational Kind = "informational"
	Advertising   Kind = "advertising"
)

// Status is where a campaign is in its life.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusScheduled Status = "scheduled"
	StatusRunning   Status = "running"
	StatusPaused    Status = "paused"
	StatusFinished  Status = "finished"
	StatusCancelled Status = "cancelled"
)

// Channels a campaign can send on, in the order of the default priority.
const (
	ChannelEmail    = "email"
	ChannelSMS      = "sms"
	ChannelTelegram = "telegram"
	ChannelVK       = "vk"
)

var knownChannels = []string{ChannelEmail, ChannelSMS, ChannelTelegram, ChannelVK}

// messengerChannels are sent through a bot or community of the inbox.
var messengerChannels = []string{ChannelTelegram, ChannelVK}

// Recipient states in the ledger.
const (
	RecipientPending = "pending"
	RecipientSent    = "sent"
	RecipientFailed  = "failed"
	RecipientBounced = "bounced"
	RecipientSkipped = "skipped" // unsubscribed or suppressed after the ledger was built
)

// ErrWrongState refuses an action the campaign's status does not allow
// (editing a running campaign, resuming a finished one).
var ErrWrongState = valid.Refuse(db.ErrConflict, "campaign_state", "the campaign's state does not allow this")

// requireSend lets the roles that send campaigns in (access.SendMailings:
// not operators and executors); the menu asks the same permission, so no
// one sees "Рассылки" who would be refused here.
func requireSend(sc access.Scope) error {
	return sc.Require(access.SendMailings)
}

// Chats is what a messenger campaign reads of the inbox: the bots and
// communities, and which members opened a chat with one.
type Chats interface {
	Channel(ctx context.Context, id string) (inbox.Channel, error)
	ChannelsOfKind(ctx context.Context, kind string) ([]inbox.Channel, error)
	LinkedChats(ctx context.Context, channelID string) (map[string]string, error)
}

// Deps are what the mailing services need from the node.
type Deps struct {
	DB  *db.DB
	KV  *kv.Client // unsubscribe fan-out between nodes and wake-ups
	CRM *crm.Services
	// Inbox finds the members who opened a chat with a campaign's bot or
	// community; nil: campaigns cannot use Telegram or VK.
	Inbox Chats
	// Messengers send campaigns through the inbox's bots and communities,
	// by channel (ChannelTelegram, ChannelVK): the Telegram and VK
	// connectors. A channel without one cannot carry campaigns.
	Messengers map[string]Messenger
	Box        *secretbox.Box // seals SMTP passwords
	// Blobs keeps the block editor's pictures; nil keeps them in SQL.
	Blobs   blob.Store
	Log     *slog.Logger
	Metrics prometheus.Registerer // may be nil
	NodeID  string
	// BaseURL is the public address put into unsubscribe links.
	BaseURL string
	// PublicBase, when set, is read instead of BaseURL at each use: the
	// hub's configuration, which tests change after start.
	PublicBase func() string
	// TokenKey signs unsubscribe tokens; the hub derives it from its
	// secret key, so every node accepts every other node's links.
	TokenKey []byte
	// Tune overrides the runner's timings (tests, benchmark); zero fields
	// keep the defaults.
	Tune Tuning
	// Ended, when set, is told on the node that ran a campaign, after the
	// change is stored, that it finished or paused itself with an alert
	// (the hub rings its owner's bell). It must not block for long.
	Ended func(ctx context.Context, campaignID string)
}

// Tuning are the runner's knobs.
type Tuning struct {
	Lease        time.Duration // how long a runner holds a campaign without renewing
	Poll         time.Duration // how often a node looks for campaigns to run
	Batch        int           // ledger rows claimed at once
	FlushEvery   time.Duration // how often confirmed sends are written to the ledger
	RetryBudget  time.Duration // how long SMTP may fail before the campaign pauses itself
	RetryBackoff time.Duration // first wait after a failed connection
	StaleAfter   time.Duration // a schedule older than this waits for a person to confirm
	ImageSweep   time.Duration // how often pictures no letter names are looked for
}

func (t Tuning) withDefaults() Tuning {
	def := Tuning{Lease: 15 * time.Second, Poll: time.Second, Batch: 1000, FlushEvery: 50 * time.Millisecond,
		RetryBudget: 2 * time.Minute, RetryBackoff: time.Second, StaleAfter: 24 * time.Hour, ImageSweep: time.Hour}
	if t.Lease <= 0 {
		t.Lease = def.Lease
	}
	if t.Poll <= 0 {
		t.Poll = def.Poll
	}
	if t.Batch <= 0 {
		t.Batch = def.Batch
	}
	if t.FlushEvery <= 0 {
		t.FlushEvery = def.FlushEvery
	}
	if t.RetryBudget <= 0 {
		t.RetryBudget = def.RetryBudget
	}
	if t.RetryBackoff <= 0 {
		t.RetryBackoff = def.RetryBackoff
	}
	if t.StaleAfter <= 0 {
		t.StaleAfter = def.StaleAfter
	}
	if t.ImageSweep <= 0 {
		t.ImageSweep = def.ImageSweep
	}
	return t
}

// Messenger sends one campaign message through a bot or community of the
// inbox (connectors/telegram and connectors/vk implement it). key is the
// same on every try for one ledger row, for providers that deduplicate by
// it. Errors that say why are *inbox.SendError; others are a network
// failure, retried.
type Messenger interface {
	SendCampaign(ctx context.Context, channelID, chat, text, key string) (providerID string, err error)
}
