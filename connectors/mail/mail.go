// Package mail connects the union's mailboxes to the inbox: each mailbox is
// a channel of kind "mail" attached to a line. A long-lived worker per
// mailbox watches its folders over IMAP (IDLE where the server has it,
// polling otherwise), fetches new letters by UID without marking them
// seen, keeps each raw letter in the blob store and hands a sanitised form
// to the inbox; operators' replies go out over the mailbox's SMTP server
// with our own Message-ID, which carries the conversation so the member's
// answer finds its way back. Built on emersion's go-imap v2, go-smtp and
// go-message.
package mail

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// Channel settings and secrets this connector reads.
const (
	settingIMAPHost   = "imap_host"
	settingIMAPPort   = "imap_port"
	settingIMAPTLS    = "imap_tls" // tls, starttls or none
	settingSMTPHost   = "smtp_host"
	settingSMTPPort   = "smtp_port"
	settingSMTPTLS    = "smtp_tls"
	settingUsername   = "username"
	settingFrom       = "from_address"
	settingFromName   = "from_name"
	settingFolders    = "folders"     // comma-separated; default INBOX
	settingAuthServID = "authserv_id" // trust only Authentication-Results of this server
	settingPassFile   = "password_file"
	secretPassword    = "password"

	tlsImplicit = "tls"
	tlsStart    = "starttls"
	tlsNone     = "none"

	defaultFolder = "INBOX"
)

// Inbox is what the connector uses of the inbox: the hub fills it from
// the inbox's services.
type Inbox struct {
	inbox.Ingester         // letters in
	inbox.AttachmentReader // a letter's HTML shown to operators
	inbox.DeliveryReporter // bounces of replies
	Channels               *inbox.Channels
}

// Deps is what the connector needs from the hub.
type Deps struct {
	Inbox Inbox
	Blobs blob.Store
	DB    *db.DB // the connector's own tables (mail_*), see internal/storage/db/migrations
	Log   *slog.Logger

	// Bounces, when set, also hears of bounces of mass-mailing letters
	// (Message-IDs "m.<seq>.<campaign>@…"), so a campaign marks the
	// recipient and suppresses the address.
	Bounces BounceRecorder

	// Senders, when set, names the hub's other sending addresses (the
	// mass-mailing accounts): letters from them are never auto-answered.
	Senders SenderAddresses

	// Replies, when set, is offered every letter that answers something,
	// before it becomes a mail conversation (reply_taker.go).
	Replies ReplyTaker
}

// BounceRecorder takes the bounce of a letter this connector did not send.
type BounceRecorder interface {
	RecordBounce(ctx context.Context, messageID, reason string) error
}

// Connector serves every mail channel of one hub node.
type Connector struct {
	inbox Inbox
	blobs blob.Store
	db    *db.DB
	log   *slog.Logger

	bounces BounceRecorder
	replies ReplyTaker
	senders SenderAddresses
	own     ownAddresses

	scanEvery   time.Duration // how often the watcher manager looks for changed channels
	pollEvery   time.Duration // polling interval for servers without IDLE (and IDLE's safety net)
	dialTimeout time.Duration

	images *imageProxy // fetches letters' remote images for operators who ask

	watchers *inbox.ChannelWorkers
	ctx      context.Context
	stop     context.CancelFunc
	done     sync.WaitGroup
}

// New builds the connector; the hub registers its Sender and CheckChannel
// with the inbox.
func New(d Deps) *Connector {
	c := &Connector{inbox: d.Inbox, blobs: d.Blobs, db: d.DB, log: d.Log.With("pkg", "mail"), bounces: d.Bounces, senders: d.Senders, replies: d.Replies,
		scanEvery: 2 * time.Second, pollEvery: 30 * time.Second, dialTimeout: 15 * time.Second,
		images: newImageProxy(publicAddr, nil)}
	c.ctx, c.stop = context.WithCancel(context.Background())
	return c
}

// Sender sends operators' replies as letters.
func (c *Connector) Sender() inbox.Sender { return &sender{c: c} }

// Start runs the mailbox watchers.
func (c *Connector) Start() {
	c.done.Add(1)
	go func() {
		defer c.done.Done()
		c.watchers = &inbox.ChannelWorkers{Channels: c.inbox.Channels, Kind: inbox.KindMail, Every: c.scanEvery, Log: c.log,
			Key: func(ch inbox.Channel) (string, bool) { return watchKey(ch), true }, Work: c.watch,
			Lease: inbox.DefaultChannelLease} // one watcher per mailbox in a cluster
		c.watchers.Run(c.ctx)
	}()
}

// Stop ends the watchers and waits for them to return.
func (c *Connector) Stop() {
	c.stop()
	c.done.Wait()
}

// report records what the connector saw in the channel's status.
func (c *Connector) report(ch inbox.Channel, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx), 5*time.Second)
	defer cancel()
	s := inbox.ChannelStatus{Info: ch.Settings[settingFrom]}
	if err != nil {
		s.LastError, s.LastErrorAt = redact(err.Error(), ch), time.Now().UnixMilli()
	} else {
		s.LastUpdateAt = time.Now().UnixMilli()
	}
	if rerr := c.inbox.Channels.ReportStatus(ctx, ch.ID, s); rerr != nil {
		c.log.Debug("channel status not recorded", "channel", ch.ID, "err", rerr)
	}
}

// redact removes the password from text shown to people.
func redact(s string, ch inbox.Channel) string {
	if p := ch.Secrets[secretPassword]; p != "" {
		s = strings.ReplaceAll(s, p, "***")
	}
	return s
}

// folders lists the folders a channel watches.
func folders(ch inbox.Channel) []string {
	var out []string
	for _, f := range strings.Split(ch.Settings[settingFolders], ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		out = []string{defaultFolder}
	}
	return out
}
