package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/connectors/webpush"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/internal/testkit/pushtest"
	"github.com/profhub/profhub/notify"
)

// pusher is the hub's adapter (hub/webpush.go) over the real sender.
type pusher struct{ s *webpush.Sender }

func (p pusher) PublicKey() string { return p.s.PublicKey() }

func (p pusher) Push(ctx context.Context, sub notify.PushSubscription, payload []byte) error {
	err := p.s.Send(ctx, webpush.Subscription{Endpoint: sub.Endpoint, P256dh: sub.P256dh, Auth: sub.Auth}, payload)
	if errors.Is(err, webpush.ErrGone) {
		return notify.ErrPushGone
	}
	return err
}

func newPusher(t *testing.T, d *db.DB, ps *pushtest.Service) pusher {
	t.Helper()
	b, err := secretbox.New("notify push test secret key")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := webpush.LoadKeys(context.Background(), d, b)
	if err != nil {
		t.Fatal(err)
	}
	return pusher{webpush.NewSender(keys, webpush.Options{Client: ps.Client()})}
}

// runWorkers runs each service's worker until the returned stop is called.
func runWorkers(services ...*notify.Service) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, s := range services {
		wg.Add(1)
		go func() { defer wg.Done(); s.Run(ctx) }()
	}
	return func() { cancel(); wg.Wait() }
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func pushState(t *testing.T, d *db.DB, user, key string) string {
	t.Helper()
	var st string
	if err := d.QueryRowContext(context.Background(), `SELECT push_state FROM notify_items WHERE user_id = $1 AND event_key = $2`, user, key).Scan(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

// A browser subscribed with its own P-256 key and auth secret gets the
// notice, decrypted by the push service as the browser would (RFC 8291),
// under a VAPID token signed with the installation's key (RFC 8292); two
// nodes' workers push it once; a push service answering 410 has the
// subscription removed.
func TestPushDelivery(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ps := pushtest.New(t)
		p := newPusher(t, d, ps)
		deps := notify.Deps{DB: d, Push: p, Directory: people{"u1": {Lang: "ru"}, "u2": {Lang: "en"}},
			Translate: func(lang, key string, _ ...any) string { return lang + ":" + key }}
		node1, node2 := notify.New(deps), notify.New(deps)
		u1 := scope("u1", access.Chairman)
		phone, laptop := ps.Subscribe(), ps.Subscribe()
		for _, b := range []*pushtest.Subscription{phone, laptop} {
			if _, err := node1.Subscribe(ctx, u1, notify.PushSubscription{Endpoint: b.Endpoint, P256dh: b.P256dh, Auth: b.Auth}, "Android"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := node1.SetPrefs(ctx, u1, []notify.Pref{{Kind: notify.DocumentResolution, Delivery: notify.Delivery{Hub: true, Push: true}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := node1.Record(ctx, nil, notice("u1", "task:1")); err != nil {
			t.Fatal(err)
		}
		// Not chosen for this kind: not pushed.
		if _, err := node1.Record(ctx, nil, notify.Notice{Key: "m1", UserID: "u1", Kind: notify.Mention, Text: "не для телефона"}); err != nil {
			t.Fatal(err)
		}
		stop := runWorkers(node1, node2)
		waitFor(t, "the pushes", func() bool { return len(ps.Messages()) >= 2 })
		time.Sleep(1500 * time.Millisecond) // both workers have swept again
		msgs := ps.Messages()
		if len(msgs) != 2 || msgs[0].Subscription == msgs[1].Subscription {
			t.Fatalf("%d pushes, want one to each of the two browsers: %+v", len(msgs), msgs)
		}
		var got notify.PushPayload
		if err := json.Unmarshal(msgs[0].Payload, &got); err != nil {
			t.Fatal(err)
		}
		items, _ := list(t, node1, u1)
		want := notify.PushPayload{Title: "ru:notify.kind.document_resolution", Body: "ВХ-1 · Письмо", URL: "/documents#doc/1", Tag: items[1].ID}
		if got != want {
			t.Fatalf("the phone shows %+v, want %+v", got, want)
		}
		if st := pushState(t, d, "u1", "task:1"); st != "sent" {
			t.Fatalf("push_state %q, want sent", st)
		}
		if st := pushState(t, d, "u1", "m1"); st != "none" {
			t.Fatalf("a mention's push_state %q, want none", st)
		}

		// The phone's subscription expired: 410, and it is forgotten.
		ps.Answer(phone, http.StatusGone)
		if _, err := node2.Record(ctx, nil, notice("u1", "task:2")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the gone subscription removed", func() bool {
			subs, err := node1.Subscriptions(ctx, u1)
			return err == nil && len(subs) == 1 && subs[0].Endpoint == laptop.Endpoint
		})
		waitFor(t, "the second notice pushed", func() bool { return pushState(t, d, "u1", "task:2") == "sent" })
		stop()
		if n := len(ps.Messages()); n != 3 || ps.Tries(phone) != 2 {
			t.Fatalf("%d pushes accepted and %d tries at the gone phone, want 3 and 2", n, ps.Tries(phone))
		}
	})
}

// A push service failing for another reason is tried three times, then
// the copy is marked failed and the subscription kept.
func TestPushRetried(t *testing.T) {
	defer notify.SetPushRetries(10*time.Millisecond, 10*time.Millisecond)()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ps := pushtest.New(t)
		s := notify.New(notify.Deps{DB: d, Push: newPusher(t, d, ps)})
		sc := scope("u1", access.Secretary)
		b := ps.Subscribe()
		if _, err := s.Subscribe(ctx, sc, notify.PushSubscription{Endpoint: b.Endpoint, P256dh: b.P256dh, Auth: b.Auth}, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetPrefs(ctx, sc, []notify.Pref{{Kind: notify.DocumentResolution, Delivery: notify.Delivery{Push: true}}}); err != nil {
			t.Fatal(err)
		}
		ps.Answer(b, http.StatusServiceUnavailable)
		if _, err := s.Record(ctx, nil, notice("u1", "k")); err != nil {
			t.Fatal(err)
		}
		stop := runWorkers(s)
		waitFor(t, "the copy failed", func() bool { return pushState(t, d, "u1", "k") == "failed" })
		stop()
		if subs, _ := s.Subscriptions(ctx, sc); ps.Tries(b) != 3 || len(subs) != 1 {
			t.Fatalf("%d tries, %d subscriptions left; want 3 and 1", ps.Tries(b), len(subs))
		}
	})
}

// Subscriptions: what no browser sends is refused; an endpoint subscribed
// by another person moves to them; nobody unsubscribes another's browser.
func TestSubscriptions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ps := pushtest.New(t)
		s := notify.New(notify.Deps{DB: d})
		a, b := scope("alice", access.Secretary), scope("bob", access.Operator)
		good := ps.Subscribe()
		for name, sub := range map[string]notify.PushSubscription{
			"http endpoint": {Endpoint: "http://push.example.org/1", P256dh: good.P256dh, Auth: good.Auth},
			"no endpoint":   {P256dh: good.P256dh, Auth: good.Auth},
			"short key":     {Endpoint: good.Endpoint, P256dh: good.Auth, Auth: good.Auth},
			"no auth":       {Endpoint: good.Endpoint, P256dh: good.P256dh},
		} {
			if _, err := s.Subscribe(ctx, a, sub, ""); err == nil {
				t.Errorf("%s: accepted", name)
			} else if _, ok := valid.As(err); !ok {
				t.Errorf("%s: %v, want a validation error", name, err)
			}
		}
		sub := notify.PushSubscription{Endpoint: good.Endpoint, P256dh: good.P256dh, Auth: good.Auth}
		first, err := s.Subscribe(ctx, a, sub, "Firefox")
		if err != nil {
			t.Fatal(err)
		}
		if again, err := s.Subscribe(ctx, a, sub, "Firefox"); err != nil || again.ID != first.ID {
			t.Fatalf("subscribed again: %+v %v, want the same row %s", again, err, first.ID)
		}
		if err := s.Unsubscribe(ctx, b, sub.Endpoint); err != nil {
			t.Fatal(err)
		}
		if subs, _ := s.Subscriptions(ctx, a); len(subs) != 1 {
			t.Fatal("bob unsubscribed alice's browser")
		}
		if _, err := s.Subscribe(ctx, b, sub, "Firefox"); err != nil {
			t.Fatal(err)
		}
		if subs, _ := s.Subscriptions(ctx, a); len(subs) != 0 {
			t.Fatalf("alice keeps a browser bob now uses: %+v", subs)
		}
		if err := s.Unsubscribe(ctx, b, sub.Endpoint); err != nil {
			t.Fatal(err)
		}
		if subs, _ := s.Subscriptions(ctx, b); len(subs) != 0 {
			t.Fatalf("bob's browser stayed subscribed: %+v", subs)
		}
		// A node without push (its keys unreadable) queues no push copies,
		// so none is pushed as a backlog when push comes back.
		if _, err := s.SetPrefs(ctx, a, []notify.Pref{{Kind: notify.DocumentResolution, Delivery: notify.Delivery{Hub: true, Push: true}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Record(ctx, nil, notice("alice", "no-push")); err != nil {
			t.Fatal(err)
		}
		if st := pushState(t, d, "alice", "no-push"); st != "none" {
			t.Fatalf("push_state %q on a node without push, want none", st)
		}
	})
}
