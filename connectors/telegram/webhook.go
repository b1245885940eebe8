package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// maxUpdateBytes bounds a webhook body: updates are small JSON (files are
// fetched separately with getFile).
const maxUpdateBytes = 1 << 20

// secretHeader carries the secret_token the hub gave setWebhook.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// webhookHandlers receive the updates Telegram pushes to bots in webhook
// mode, and hand the ones that pass the secret check to the connector.
type webhookHandlers struct {
	channels *inbox.Channels
	updates  updateTaker
}

// updateTaker is what the webhook needs of the connector.
type updateTaker interface {
	newBot(ch inbox.Channel) (*bot.Bot, error)
	handleUpdate(ctx context.Context, ch inbox.Channel, b *bot.Bot, u *models.Update) error
	report(ch inbox.Channel, err error)
}

// webhook receives updates Telegram pushes to
// /hooks/telegram/{channel}. The secret token is checked before the body
// is read, so a forged request costs nothing and stores nothing. A 2xx
// tells Telegram the update is done; a 5xx makes it deliver it again,
// which ingest deduplicates.
func (h webhookHandlers) webhook(w http.ResponseWriter, r *http.Request) {
	log := httpapi.Logger(r.Context())
	ch, err := h.channels.Get(r.Context(), r.PathValue("channel"))
	if err != nil || ch.Kind != inbox.KindTelegram || ch.Settings[settingMode] != modeWebhook {
		log.Warn("telegram webhook for an unknown channel refused", "channel", r.PathValue("channel"))
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	want, got := ch.Secrets[secretWebhook], r.Header.Get(secretHeader)
	if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		log.Warn("telegram webhook with a wrong secret token refused", "channel", ch.ID, "token_present", got != "")
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateBytes))
	if err != nil {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	var u models.Update
	if err := json.Unmarshal(body, &u); err != nil {
		log.Warn("telegram webhook body is not an update", "channel", ch.ID, "err", err)
		http.Error(w, "not a Telegram update", http.StatusBadRequest)
		return
	}
	b, err := h.updates.newBot(ch)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	err = h.updates.handleUpdate(r.Context(), ch, b, &u)
	var ve *valid.Error
	switch {
	case errors.Is(err, inbox.ErrChannelDisabled):
		httpapi.Error(w, r, err)
		return
	case errors.As(err, &ve):
		// Retrying will not make it valid: take it off Telegram's queue.
		log.Warn("telegram update refused", "channel", ch.ID, "update", u.ID, "err", err)
	case err != nil:
		log.Error("telegram update not stored; Telegram will redeliver it", "channel", ch.ID, "update", u.ID, "err", err)
		h.updates.report(ch, err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	default:
		h.updates.report(ch, nil)
	}
	w.WriteHeader(http.StatusOK)
}
