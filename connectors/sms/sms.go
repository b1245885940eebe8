// Package sms connects SMS to the inbox: an operator writes to a member's
// phone through an SMS gateway, and the member's answer, which the gateway
// POSTs to /hooks/sms/{channel}, joins the same conversation.
//
// The channel does not hold a gateway of its own: it names one of the
// gateways the mailings send through (settings.gateway_id), so one key and
// one sender name serve both. The hub passes the mailing's gateways as
// Gateways; this package knows nothing of mailing.
package sms

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/storage/db"
)

// The channel's settings and secrets.
const (
	SettingGateway = "gateway_id"     // a mailing SMS gateway's id
	SettingSender  = "sender"         // the sender name, if not the gateway's
	SecretWebhook  = "webhook_secret" // signs the gateway's incoming-SMS calls
)

// Gateway sends one SMS; id is the same on every try of one message, so a
// gateway that deduplicates by it drops a resend.
type Gateway interface {
	Send(ctx context.Context, from, to, text, id string) error
}

// Gateways opens a stored gateway by id (the hub's adapter of mailing's
// SMS gateways). A refusal for good comes back as an *inbox.SendError
// with Permanent set; db.ErrNotFound when there is no such gateway.
type Gateways interface {
	Gateway(ctx context.Context, id string) (Gateway, error)
}

// Inbox is what the connector uses of the inbox.
type Inbox struct {
	inbox.Ingester
	Channels *inbox.Channels
}

// Deps are what the connector needs from the hub.
type Deps struct {
	Inbox    Inbox
	Gateways Gateways
	Log      *slog.Logger
	// Window is how old a signed incoming-SMS call may be (replays older
	// than it are refused); 5 minutes when zero.
	Window time.Duration
	Now    func() time.Time // the clock, for tests
}

// Connector is the SMS channel kind's adapter.
type Connector struct {
	d Deps
}

// New builds the connector.
func New(d Deps) *Connector {
	if d.Window == 0 {
		d.Window = 5 * time.Minute
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	d.Log = d.Log.With("pkg", "sms")
	return &Connector{d: d}
}

// Routes mounts the incoming-SMS webhook.
func (c *Connector) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /hooks/sms/{channel}", c.handleIncoming)
}

// Start and Stop: the connector has no workers (the gateway calls us).
func (c *Connector) Start() {}
func (c *Connector) Stop()  {}

// CheckChannel checks the gateway exists and gives the channel a webhook
// secret the first time.
func (c *Connector) CheckChannel(ctx context.Context, ch *inbox.Channel) error {
	if ch.Settings == nil {
		ch.Settings = map[string]string{}
	}
	if ch.Secrets == nil {
		ch.Secrets = map[string]string{}
	}
	id := strings.TrimSpace(ch.Settings[SettingGateway])
	if id == "" {
		return valid.Errorf("settings.gateway_id", "sms_gateway", "choose the SMS gateway the channel sends through (mailing → SMS gateways)")
	}
	if _, err := c.d.Gateways.Gateway(ctx, id); errors.Is(err, db.ErrNotFound) {
		return valid.Errorf("settings.gateway_id", "sms_gateway", "choose the SMS gateway the channel sends through (mailing → SMS gateways)")
	} else if err != nil {
		return err
	}
	ch.Settings[SettingGateway] = id
	if len([]rune(ch.Settings[SettingSender])) > 11 {
		return valid.Errorf("settings.sender", "sms_sender", "a sender name has at most 11 characters")
	}
	if ch.Secrets[SecretWebhook] == "" {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		ch.Secrets[SecretWebhook] = base64.RawURLEncoding.EncodeToString(b)
	}
	return nil
}

// Sender is the connector as the inbox's Sender of SMS replies.
func (c *Connector) Sender() inbox.Sender { return sender{c} }

type sender struct{ c *Connector }

// Send passes one reply to the gateway. The reply's id is the gateway's
// idempotency key, so dispatch's retry after a lost answer is dropped by
// a gateway that keeps them.
func (s sender) Send(ctx context.Context, ch inbox.Channel, m inbox.OutboundMessage) (inbox.SendResult, error) {
	if len(m.Attachments) > 0 && strings.TrimSpace(m.Text) == "" {
		return inbox.SendResult{}, &inbox.SendError{Permanent: true, Reason: "an SMS carries text only"}
	}
	gw, err := s.c.d.Gateways.Gateway(ctx, ch.Settings[SettingGateway])
	if errors.Is(err, db.ErrNotFound) {
		return inbox.SendResult{}, &inbox.SendError{Permanent: true, Reason: "the channel's SMS gateway was deleted"}
	}
	if err != nil {
		return inbox.SendResult{}, err
	}
	if err := gw.Send(ctx, ch.Settings[SettingSender], m.ExternalChatID, m.Text, m.ID); err != nil {
		return inbox.SendResult{}, err
	}
	return inbox.SendResult{ProviderID: m.ID}, nil
}
