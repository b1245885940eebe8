package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Web Push copies. A person turns push on in a browser or on a phone (the
// profile's switch subscribes that browser: push_routes.go); each notice of
// a kind they chose Push for is queued ('pending' in push_state) and this
// node's push loop claims it ('pending' → 'sending', one node wins) and
// hands it, encrypted by the Pusher, to every subscription of theirs. A
// push service answering 404 or 410 has forgotten the subscription: it is
// removed. Other failures are tried twice more, then logged. A node that
// dies while sending leaves the notice 'sending': at most once, never
// twice, as with the e-mail copies.

// PushSubscription is one browser's subscription (RFC 8030 endpoint and
// its RFC 8291 keys, base64url).
type PushSubscription struct {
	ID       string `json:"id"`
	UserID   string `json:"-"`
	Endpoint string `json:"endpoint"`
	P256dh   string `json:"-"`
	Auth     string `json:"-"`
}

// Pusher delivers one payload to one subscription (the hub's adapter of
// connectors/webpush): encrypted, VAPID-signed.
type Pusher interface {
	// PublicKey is the VAPID key browsers subscribe with.
	PublicKey() string
	// Push returns ErrPushGone when the push service no longer knows sub.
	Push(ctx context.Context, sub PushSubscription, payload []byte) error
}

// ErrPushGone: the push service answered 404 or 410.
var ErrPushGone = errors.New("notify: push subscription gone")

// PushPayload is what the service worker (web/sw.js) receives and shows.
type PushPayload struct {
	Title string `json:"title"` // the kind, in the person's language
	Body  string `json:"body"`
	URL   string `json:"url,omitempty"` // a local path it opens on a click
	Tag   string `json:"tag"`           // the notice's id: a repeat replaces, never doubles
}

// pushRetries are the pauses before the second and third tries of a push
// that failed for a reason other than a gone subscription.
var pushRetries = []time.Duration{time.Second, 4 * time.Second}

// runPush works the push copies until ctx ends (started by Run).
func (s *Service) runPush(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		if err := s.pushPending(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("notice pushes not sent", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.pushWake:
		}
	}
}

// pushPending pushes up to a batch of pending copies.
func (s *Service) pushPending(ctx context.Context) error {
	list, err := s.pendingPushes(ctx)
	if err != nil || len(list) == 0 {
		return err
	}
	for _, p := range list {
		if ok, err := s.markPush(ctx, p.id, "pending", "sending"); err != nil || !ok {
			if err != nil {
				return err
			}
			continue // another node took it
		}
		state := s.pushCopy(ctx, p)
		if _, err := s.markPush(ctx, p.id, "sending", state); err != nil {
			return err
		}
	}
	return nil
}

// pushCopy pushes one notice to every subscription of its person and says
// how it went: 'sent' when one browser at least took it.
func (s *Service) pushCopy(ctx context.Context, p pendingMail) string {
	subs, err := s.userSubscriptions(ctx, p.userID)
	if err != nil {
		s.log.Warn("push subscriptions not read", "notice", p.id, "err", err)
		return "failed"
	}
	lang := "ru"
	if s.deps.Directory != nil {
		r, err := s.deps.Directory.Recipient(ctx, p.userID)
		if err != nil || r.Disabled {
			return "skipped"
		}
		if r.Lang != "" {
			lang = r.Lang
		}
	}
	if len(subs) == 0 || s.deps.Push == nil {
		return "skipped"
	}
	payload, _ := json.Marshal(PushPayload{Title: s.deps.Translate(lang, "notify.kind."+p.kind), Body: p.text, URL: p.link, Tag: p.id})
	state := "failed"
	for _, sub := range subs {
		err := s.pushOne(ctx, sub, payload)
		switch {
		case err == nil:
			state = "sent"
		case errors.Is(err, ErrPushGone):
			if err := s.removeSubscription(ctx, sub.ID); err != nil {
				s.log.Warn("gone push subscription not removed", "subscription", sub.ID, "err", err)
			}
		default:
			s.log.Warn("notice push not sent", "notice", p.id, "subscription", sub.ID, "err", err)
		}
	}
	return state
}

// pushOne tries a push up to three times; a gone subscription at once.
func (s *Service) pushOne(ctx context.Context, sub PushSubscription, payload []byte) error {
	var err error
	for i := 0; ; i++ {
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = s.deps.Push.Push(sctx, sub, payload)
		cancel()
		if err == nil || errors.Is(err, ErrPushGone) || i == len(pushRetries) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (then %w)", err, ctx.Err())
		case <-time.After(pushRetries[i]):
		}
	}
}
