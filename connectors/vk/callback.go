package vk

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/storage/db"
)

const maxCallbackBytes = 1 << 20

// handleCallback answers VK's Callback API: POST /hooks/vk/{channel}.
// Every request, confirmation included, must name the channel's community
// and carry its secret key; anything else is refused with 403 and nothing
// is stored. Messages are committed before "ok" is answered, so VK's
// retries cover a crash; the same event again changes nothing.
func (c *Connector) handleCallback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ch, err := c.inbox.Channels.Get(ctx, r.PathValue("channel"))
	if err != nil || ch.Kind != inbox.KindVK {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCallbackBytes))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	var ev event
	if err := json.Unmarshal(body, &ev); err != nil || ev.Type == "" {
		http.Error(w, "not a Callback API event", http.StatusBadRequest)
		return
	}
	if !authentic(ch, ev) {
		c.log.Warn("vk callback refused: wrong secret or community", "channel", ch.ID, "group_id", ev.GroupID,
			"type", ev.Type, "remote", r.RemoteAddr)
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	if ev.Type == "confirmation" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, ch.Settings[setConfirm])
		return
	}
	if ch.Disabled {
		http.Error(w, "channel disabled", http.StatusForbidden)
		return
	}
	err = c.handleEvent(ctx, ch, ev, c.t.callbackBudget)
	var ve *valid.Error
	switch {
	case errors.Is(err, inbox.ErrChannelDisabled):
		http.Error(w, "channel disabled", http.StatusForbidden)
		return
	case errors.As(err, &ve):
		// VK resending it would not help.
		c.log.Warn("vk event dropped", "channel", ch.ID, "event_id", ev.EventID, "type", ev.Type, "err", err)
	case err != nil:
		c.log.Error("vk event not stored; VK will resend it", "channel", ch.ID, "event_id", ev.EventID, "err", err)
		c.reportError(ctx, ch.ID, err)
		status := http.StatusInternalServerError
		if errors.Is(err, db.ErrNotFound) {
			status = http.StatusNotFound
		}
		http.Error(w, "not stored", status)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "ok")
}

// authentic checks the event's community and secret key, the latter in
// constant time. A channel without a secret accepts nothing.
func authentic(ch inbox.Channel, ev event) bool {
	secret := ch.Secrets[secretKey]
	gid := groupID(ch)
	if secret == "" || gid == 0 || ev.GroupID != gid {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(ev.Secret), []byte(secret)) == 1
}
