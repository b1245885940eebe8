// Package telephony connects cloud PBXs to profhub: every telephony
// channel has one webhook (POST /hooks/telephony/{channel}[/…]) to which
// the PBX reports its calls. A provider adapter (generic, Mango Office,
// Zadarma) authenticates each notification and turns it into neutral
// call events; the events are kept once each and the call record is
// recomputed from all of them, so late, repeated and reordered events
// converge to the same record. Recordings are fetched into the blob store
// by a retrying worker that only dials the provider's public hosts; a
// missed incoming call becomes a conversation in the line's queue; a call
// ringing at an operator's extension pops the caller's card on their
// console; operators call back through the provider's click-to-call API.
package telephony

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// Channel settings and secrets this connector reads.
const (
	settingProvider       = "provider"        // generic, mango, zadarma
	settingAPIURL         = "api_url"         // provider API base; empty: the provider's public one
	settingExtensions     = "extensions"      // "101=ivanova,102=petrov": PBX extension → profhub login
	settingRecordingHosts = "recording_hosts" // host names (and their subdomains) recordings may come from
	settingTrustedAddrs   = "trusted_addrs"   // host:port pairs on a private network that may be dialled (an on-site PBX)
	settingRetentionDays  = "retention_days"  // recordings older than this are deleted; 0 keeps them
	settingMaxRecordingMB = "max_recording_mb"
	settingCallbackURL    = "callback_url" // generic: where click-to-call requests are POSTed
	settingTimeZone       = "time_zone"    // zadarma: the account's time zone of call_start

	secretWebhook = "webhook_secret" // generic
	secretAPIKey  = "api_key"        // mango (vpbx_api_key), zadarma
	secretAPISalt = "api_salt"       // mango (vpbx_api_salt)
	secretAPISec  = "api_secret"     // zadarma

	defaultMaxRecordingMB = 100
	maxBodyBytes          = 256 << 10
)

// Inbox is what the connector uses of the inbox: the hub fills it from
// the inbox's services.
type Inbox struct {
	inbox.Ingester     // missed calls in
	inbox.MemberLinker // a recognised caller
	inbox.NoteWriter   // call notes
	inbox.Notifier     // the ringing caller's card
	Lines              *inbox.Lines
	Channels           *inbox.Channels
	Conversations      *inbox.Conversations
}

// Deps is what the connector needs from the hub.
type Deps struct {
	Inbox Inbox
	Blobs blob.Store
	DB    *db.DB
	// Staff maps the PBX's extensions to operators and names them.
	Staff Staff
	// Members recognises callers; nil leaves calls unlinked to members.
	Members Members
	Log     *slog.Logger
	// Zone is the installation's time zone: the call log's days, its
	// export and the missed-call notices are in it (nil: Moscow's).
	Zone *time.Location
}

// Connector serves every telephony channel of one hub node.
type Connector struct {
	inbox   Inbox
	blobs   blob.Store
	db      *db.DB
	staff   Staff
	members Members
	log     *slog.Logger
	zone    *time.Location
	api     *http.Client // provider API calls (the address is the administrator's setting)

	// SignatureWindow is how far a generic event's timestamp may be from
	// now; older ones are refused as replays.
	SignatureWindow time.Duration
	// ScanEvery is how often the worker fetches due recordings, retries
	// missed calls that did not reach the queue and purges old recordings.
	ScanEvery time.Duration

	ctx  context.Context
	stop context.CancelFunc
	done sync.WaitGroup
	wake chan struct{}
}

// New builds the connector; the hub registers its Sender and
// CheckChannel with the inbox.
func New(d Deps) *Connector {
	return newConnector(d)
}

// Sender refuses replies: operators answer a call on the phone, not by
// message.
func (c *Connector) Sender() inbox.Sender { return noSender{} }

// HandleEvents stores events of a channel as if its PBX had sent them,
// without a running connector: the demo and imports of call history use
// it. What follows from them (missed calls queued) happens as usual;
// recordings wait for a running node's worker.
func HandleEvents(ctx context.Context, d Deps, ch inbox.Channel, evs []Event) error {
	c := newConnector(d)
	defer c.stop()
	return c.Handle(ctx, ch, evs)
}

func newConnector(d Deps) *Connector {
	zone := d.Zone
	if zone == nil {
		zone = moscowLoc()
	}
	c := &Connector{inbox: d.Inbox, blobs: d.Blobs, db: d.DB, staff: d.Staff, members: d.Members, log: d.Log.With("pkg", "telephony"), zone: zone,
		api: &http.Client{Timeout: 30 * time.Second}, SignatureWindow: 5 * time.Minute, ScanEvery: 5 * time.Second,
		wake: make(chan struct{}, 1)}
	c.ctx, c.stop = context.WithCancel(context.Background())
	return c
}

// Start runs the recording and missed-call worker.
func (c *Connector) Start() {
	c.done.Add(1)
	go func() {
		defer c.done.Done()
		c.work()
	}()
}

// Stop ends the worker and waits for it.
func (c *Connector) Stop() {
	c.stop()
	c.done.Wait()
}

func (c *Connector) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *Connector) work() {
	t := time.NewTicker(c.ScanEvery)
	defer t.Stop()
	lastPurge := time.Time{}
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-c.wake:
		case <-t.C:
		}
		if _, err := c.FetchRecordings(c.ctx, time.Now()); err != nil && c.ctx.Err() == nil {
			c.log.Warn("recording fetch pass failed", "err", err)
		}
		if err := c.QueueMissed(c.ctx); err != nil && c.ctx.Err() == nil {
			c.log.Warn("missed-call pass failed", "err", err)
		}
		if time.Since(lastPurge) > time.Hour {
			lastPurge = time.Now()
			if _, err := c.PurgeRecordings(c.ctx, time.Now()); err != nil && c.ctx.Err() == nil {
				c.log.Warn("recording retention pass failed", "err", err)
			}
		}
	}
}

// noSender refuses replies on a telephony conversation: the answer to a
// missed call is a call back, not a message.
type noSender struct{}

func (noSender) Send(context.Context, inbox.Channel, inbox.OutboundMessage) (inbox.SendResult, error) {
	return inbox.SendResult{}, &inbox.SendError{Permanent: true, Reason: "a phone line cannot carry a text reply; call the member back"}
}

// CheckChannel validates a telephony channel's settings when it is created
// or changed, and generates the generic adapter's signing secret.
func (c *Connector) CheckChannel(ctx context.Context, ch *inbox.Channel) error {
	a, err := adapterOf(*ch)
	if err != nil {
		return err
	}
	if v := ch.Settings[settingAPIURL]; v != "" && !validURL(v) {
		return valid.Errorf("settings.api_url", "url", "api_url must be an absolute http(s) address")
	}
	if v := ch.Settings[settingCallbackURL]; v != "" && !validURL(v) {
		return valid.Errorf("settings.callback_url", "url", "callback_url must be an absolute http(s) address")
	}
	for _, k := range []string{settingRetentionDays, settingMaxRecordingMB} {
		if v := ch.Settings[k]; v != "" {
			if n, err := strconv.Atoi(v); err != nil || n < 0 || n > 100000 {
				return valid.Errorf("settings."+k, "number", "%s must be a whole number from 0", k)
			}
		}
	}
	if v := ch.Settings[settingTimeZone]; v != "" {
		if _, err := time.LoadLocation(v); err != nil {
			return valid.Errorf("settings.time_zone", "time_zone", "time_zone %q is not known", v)
		}
	}
	if _, err := parseExtensions(ch.Settings[settingExtensions]); err != nil {
		return err
	}
	for _, l := range parseExtensionsLax(ch.Settings[settingExtensions]) {
		if _, err := c.staff.UserIDByLogin(ctx, l); err != nil {
			return valid.Errorf("settings.extensions", "login", "extensions: no user with login %q", l)
		}
	}
	return a.check(ch)
}

// parseExtensions reads "101=ivanova, 102=petrov".
func parseExtensions(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		ext, login, ok := strings.Cut(strings.TrimSpace(part), "=")
		ext, login = strings.TrimSpace(ext), strings.TrimSpace(login)
		if !ok || ext == "" || login == "" {
			return nil, valid.Errorf("settings.extensions", "extensions", "extensions must read like 101=ivanova, 102=petrov")
		}
		out[ext] = login
	}
	return out, nil
}

func parseExtensionsLax(s string) []string {
	m, _ := parseExtensions(s)
	out := make([]string, 0, len(m))
	for _, l := range m {
		out = append(out, l)
	}
	return out
}

// userOfExtension maps an extension to a profhub user id, "" when unmapped.
func (c *Connector) userOfExtension(ctx context.Context, ch inbox.Channel, ext string) string {
	m, _ := parseExtensions(ch.Settings[settingExtensions])
	login := m[ext]
	if login == "" {
		return ""
	}
	id, err := c.staff.UserIDByLogin(ctx, login)
	if err != nil {
		return ""
	}
	return id
}

// extensionOfUser is the reverse: the extension click-to-call rings first.
func (c *Connector) extensionOfUser(ctx context.Context, ch inbox.Channel, userID string) string {
	m, _ := parseExtensions(ch.Settings[settingExtensions])
	for ext, login := range m {
		if id, err := c.staff.UserIDByLogin(ctx, login); err == nil && id == userID {
			return ext
		}
	}
	return ""
}

func maxRecordingBytes(ch inbox.Channel) int64 {
	mb, err := strconv.Atoi(ch.Settings[settingMaxRecordingMB])
	if err != nil || mb <= 0 {
		mb = defaultMaxRecordingMB
	}
	return int64(mb) << 20
}

// signatureWindow is read per request: tests change SignatureWindow after
// the routes are mounted.
func (c *Connector) signatureWindow() time.Duration { return c.SignatureWindow }

// report records what the connector saw in the channel's status.
func (c *Connector) report(ch inbox.Channel, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx), 5*time.Second)
	defer cancel()
	s := inbox.ChannelStatus{Info: ch.Settings[settingProvider]}
	if err != nil {
		s.LastError, s.LastErrorAt = err.Error(), time.Now().UnixMilli()
	} else {
		s.LastUpdateAt = time.Now().UnixMilli()
	}
	if rerr := c.inbox.Channels.ReportStatus(ctx, ch.ID, s); rerr != nil {
		c.log.Debug("channel status not recorded", "channel", ch.ID, "err", rerr)
	}
}
