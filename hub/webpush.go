package hub

import (
	"context"
	"errors"
	"strings"

	"github.com/profhub/profhub/connectors/webpush"
	"github.com/profhub/profhub/notify"
)

// newPusher gives the notification centre its Web Push sender, with the
// installation's VAPID keys (made on the first start). A node that cannot
// read them (another PROFHUB_SECRET_KEY) runs without push and says so;
// the bell and e-mails go on.
func (h *Hub) newPusher(ctx context.Context) notify.Pusher {
	keys, err := webpush.LoadKeys(ctx, h.DB, h.Box)
	if err != nil {
		h.Log.Error("Web Push is off on this node", "err", err)
		return nil
	}
	sub := ""
	if strings.HasPrefix(h.Config.BaseURL, "https://") {
		sub = strings.TrimRight(h.Config.BaseURL, "/")
	}
	return pusher{webpush.NewSender(keys, webpush.Options{Subscriber: sub})}
}

// pusher adapts the connector to notify's port.
type pusher struct{ s *webpush.Sender }

func (p pusher) PublicKey() string { return p.s.PublicKey() }

func (p pusher) Push(ctx context.Context, sub notify.PushSubscription, payload []byte) error {
	err := p.s.Send(ctx, webpush.Subscription{Endpoint: sub.Endpoint, P256dh: sub.P256dh, Auth: sub.Auth}, payload)
	if errors.Is(err, webpush.ErrGone) {
		return notify.ErrPushGone
	}
	return err
}
