package sms

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

const maxIncomingBytes = 64 << 10

// Incoming is one SMS the gateway received for us: profhub's own format
// (docs/CHANNELS.md), POSTed as JSON with the X-Profhub-Signature header
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>" made with the
// channel's webhook secret, like every signed webhook of profhub.
type Incoming struct {
	ID   string    `json:"id"`   // the gateway's id of the SMS: a redelivery repeats it
	From string    `json:"from"` // the member's number
	Text string    `json:"text"`
	At   time.Time `json:"at,omitempty"`
}

// handleIncoming takes an incoming SMS in. A call without a valid
// signature, or signed longer ago than the window (a replay), is refused
// with 403 and nothing is stored; the same SMS twice (the gateway's retry,
// or a replay within the window) is one message, as ingest keeps the
// gateway's id.
func (c *Connector) handleIncoming(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ch, err := c.d.Inbox.Channels.Get(ctx, r.PathValue("channel"))
	if err != nil || ch.Kind != inbox.KindSMS {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxIncomingBytes))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	secret := ch.Secrets[SecretWebhook]
	if secret == "" || !inbox.VerifySignature(secret, r.Header.Get(inbox.SignatureHeader), body, c.d.Now(), c.d.Window) {
		c.d.Log.Warn("incoming SMS refused: bad or stale signature", "channel", ch.ID, "remote", r.RemoteAddr)
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	if ch.Disabled {
		http.Error(w, "channel disabled", http.StatusForbidden)
		return
	}
	var in Incoming
	if err := json.Unmarshal(body, &in); err != nil {
		http.Error(w, "the body must be a JSON object {id, from, text}", http.StatusBadRequest)
		return
	}
	phone, err := crm.NormalizePhone(in.From)
	if err != nil || strings.TrimSpace(in.ID) == "" {
		http.Error(w, "id and a phone number in from are required", http.StatusBadRequest)
		return
	}
	at := in.At
	if at.IsZero() {
		at = c.d.Now()
	}
	res, err := c.d.Inbox.Ingest(ctx, inbox.Inbound{ChannelID: ch.ID, ExternalChatID: phone, ExternalMessageID: "sms:" + in.ID,
		From: inbox.Identity{Namespace: "phone", ExternalID: phone, Phone: phone, Name: phone}, Text: in.Text, SentAt: at})
	var ve *valid.Error
	switch {
	case errors.Is(err, inbox.ErrChannelDisabled):
		http.Error(w, "channel disabled", http.StatusForbidden)
		return
	case errors.As(err, &ve):
		http.Error(w, ve.Error(), http.StatusBadRequest)
		return
	case err != nil:
		c.d.Log.Error("incoming SMS not stored; the gateway should resend it", "channel", ch.ID, "err", err)
		http.Error(w, "not stored", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(res)
}
