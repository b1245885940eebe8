package telephony

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// hookHandlers receive the PBXs' webhooks and hand the events that pass
// their provider's checks to the connector.
type hookHandlers struct {
	channels *inbox.Channels
	events   eventTaker
	log      *slog.Logger
}

// eventTaker is what the webhooks need of the connector.
type eventTaker interface {
	Handle(ctx context.Context, ch inbox.Channel, evs []Event) error
	report(ch inbox.Channel, err error)
	signatureWindow() time.Duration
}

// channelOf finds the telephony channel a webhook is for.
func (h hookHandlers) channelOf(r *http.Request) (inbox.Channel, adapter, bool) {
	ch, err := h.channels.Get(r.Context(), r.PathValue("channel"))
	if err != nil || ch.Kind != inbox.KindTelephony {
		return inbox.Channel{}, nil, false
	}
	a, err := adapterOf(ch)
	return ch, a, err == nil
}

// echo answers Zadarma's address check: GET ?zd_echo=X must return X.
// Only Zadarma channels answer, and only with a short token, as plain
// text, so the endpoint cannot be used to reflect a page.
func (h hookHandlers) echo(w http.ResponseWriter, r *http.Request) {
	ch, a, ok := h.channelOf(r)
	echo := r.URL.Query().Get("zd_echo")
	if _, isZ := a.(zadarma); !ok || !isZ || echo == "" || len(echo) > 64 {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	for _, r := range echo {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			http.Error(w, "bad zd_echo", http.StatusBadRequest)
			return
		}
	}
	h.log.Info("zadarma address check answered", "channel", ch.ID)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, echo)
}

// webhook receives a PBX notification. It answers 403 and stores
// nothing when the signature is wrong or the timestamp stale, 400 when the
// body is malformed, 503 when storing failed (the PBX retries), else 200.
func (h hookHandlers) webhook(w http.ResponseWriter, r *http.Request) {
	log := httpapi.Logger(r.Context())
	ch, a, ok := h.channelOf(r)
	if !ok {
		log.Warn("telephony webhook for an unknown channel refused", "channel", r.PathValue("channel"))
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	if ch.Disabled {
		http.Error(w, "channel disabled", http.StatusForbidden)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		log.Warn("telephony webhook body too large", "channel", ch.ID)
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	r = r.WithContext(context.WithValue(r.Context(), windowKey{}, h.events.signatureWindow()))
	evs, err := a.parse(r, body, ch, r.PathValue("sub"), time.Now())
	var ve *valid.Error
	switch {
	case errors.Is(err, errSignature), errors.Is(err, errStale):
		log.Warn("telephony webhook refused", "channel", ch.ID, "err", err)
		h.events.report(ch, err)
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	case errors.As(err, &ve):
		log.Warn("telephony webhook malformed", "channel", ch.ID, "err", err)
		httpapi.Error(w, r, err)
		return
	case err != nil:
		httpapi.Error(w, r, err)
		return
	}
	if err := h.events.Handle(r.Context(), ch, evs); err != nil {
		log.Error("telephony events not stored; the PBX will redeliver them", "channel", ch.ID, "err", err)
		h.events.report(ch, err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	h.events.report(ch, nil)
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"ok":true}`)
}
