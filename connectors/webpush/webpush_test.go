package webpush_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	wp "github.com/SherClockHolmes/webpush-go"

	"github.com/profhub/profhub/connectors/webpush"
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/internal/testkit/pushtest"
)

func box(t *testing.T, secret string) *secretbox.Box {
	t.Helper()
	b, err := secretbox.New(secret)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The first start makes the pair; later starts, and nodes starting
// together, read the same one; another secret key cannot open it.
func TestKeysMadeOnceAndSealed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		b := box(t, "a secret key of sixteen+ chars")
		var wg sync.WaitGroup
		got := make([]webpush.Keys, 4)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				k, err := webpush.LoadKeys(ctx, d, b)
				if err != nil {
					t.Error(err)
				}
				got[i] = k
			}()
		}
		wg.Wait()
		for _, k := range got[1:] {
			if k != got[0] || k.Public == "" || k.Private == "" {
				t.Fatalf("nodes read different pairs: %+v", got)
			}
		}
		var stored string
		if err := d.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'webpush.vapid'`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stored, got[0].Private) {
			t.Fatal("the private key is stored in plain text")
		}
		if _, err := webpush.LoadKeys(ctx, d, box(t, "another secret key, wrong one")); !errors.Is(err, secretbox.ErrUndecryptable) {
			t.Fatalf("with another secret key: %v, want undecryptable", err)
		}
	})
}

// A message reaches the push service encrypted for the subscription and
// signed with the installation's key; 404 and 410 say the subscription is
// gone, 429 and 5xx are temporary.
func TestSend(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		keys, err := webpush.LoadKeys(ctx, d, box(t, "a secret key of sixteen+ chars"))
		if err != nil {
			t.Fatal(err)
		}
		ps := pushtest.New(t)
		s := webpush.NewSender(keys, webpush.Options{Subscriber: "https://hub.example.org", Client: ps.Client()})
		sub := ps.Subscribe()
		payload, _ := json.Marshal(map[string]string{"title": "Документ на резолюцию", "body": "ВХ-12 · Письмо о премировании"})
		if err := s.Send(ctx, webpush.Subscription{Endpoint: sub.Endpoint, P256dh: sub.P256dh, Auth: sub.Auth}, payload); err != nil {
			t.Fatal(err)
		}
		msgs := ps.Messages()
		if len(msgs) != 1 || string(msgs[0].Payload) != string(payload) {
			t.Fatalf("the push service decrypted %+v, want %s", msgs, payload)
		}
		if msgs[0].VAPIDKey != s.PublicKey() || msgs[0].Claims["sub"] != "https://hub.example.org" || msgs[0].TTL != "86400" {
			t.Fatalf("signed with %s (%v, TTL %s), want the installation's key %s", msgs[0].VAPIDKey, msgs[0].Claims, msgs[0].TTL, s.PublicKey())
		}
		for status, want := range map[int]string{404: "gone", 410: "gone", 429: "temporary", 500: "temporary", 400: "final"} {
			ps.Answer(sub, status)
			err := s.Send(ctx, webpush.Subscription{Endpoint: sub.Endpoint, P256dh: sub.P256dh, Auth: sub.Auth}, payload)
			var se *webpush.StatusError
			switch {
			case want == "gone" && errors.Is(err, webpush.ErrGone):
			case want == "temporary" && errors.As(err, &se) && se.Temporary():
			case want == "final" && errors.As(err, &se) && !se.Temporary():
			default:
				t.Errorf("status %d: %v, want %s", status, err, want)
			}
		}
	})
}

// The default client posts to no loopback or private address: an endpoint
// comes from a browser and must not reach into the hub's network.
func TestPrivateEndpointsRefused(t *testing.T) {
	ps := pushtest.New(t)
	sub := ps.Subscribe()
	priv, pub, err := wp.GenerateVAPIDKeys()
	if err != nil {
		t.Fatal(err)
	}
	s := webpush.NewSender(webpush.Keys{Public: pub, Private: priv}, webpush.Options{})
	err = s.Send(context.Background(), webpush.Subscription{Endpoint: sub.Endpoint, P256dh: sub.P256dh, Auth: sub.Auth}, []byte("{}"))
	if err == nil || !strings.Contains(err.Error(), "refused") || ps.Tries(sub) != 0 {
		t.Fatalf("a loopback endpoint: %v (%d tries reached it)", err, ps.Tries(sub))
	}
	err = s.Send(context.Background(), webpush.Subscription{Endpoint: "http://push.example.org/x", P256dh: sub.P256dh, Auth: sub.Auth}, []byte("{}"))
	if err == nil {
		t.Fatal("a plain http endpoint was used")
	}
}
