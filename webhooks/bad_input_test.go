package webhooks

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// TestBadEndpoints: a URL that is not http(s), or names a local or
// private address, and an empty or unknown event list are refused with
// the key of a Russian message, and nothing is stored; people other than
// an administrator of the root unit may not see or change webhooks.
func TestBadEndpoints(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	ctx := context.Background()
	c := &clock{t: time.Now()}
	s := New(Deps{DB: d, Box: plainBox{}, Now: c.now})
	for _, tc := range []struct{ url, key string }{
		{"ftp://example.org/hook", "webhook_url"},
		{"javascript:alert(1)", "webhook_url"},
		{"example.org/hook", "webhook_url"},
		{"https://user:pw@example.org/", "webhook_url"},
		{"http://127.0.0.1:8080/hook", "webhook_private"},
		{"http://localhost/hook", "webhook_private"},
		{"http://10.1.2.3/hook", "webhook_private"},
		{"http://169.254.169.254/latest", "webhook_private"},
		{"http://[::1]/hook", "webhook_private"},
	} {
		_, err := s.Create(ctx, admin, Input{URL: tc.url, Events: []string{MessageCreated}})
		ve, ok := valid.As(err)
		if !ok || ve.Key != tc.key {
			t.Errorf("%s: %v, want key %s", tc.url, err, tc.key)
		}
	}
	for _, events := range [][]string{nil, {"message.deleted"}} {
		_, err := s.Create(ctx, admin, Input{URL: "https://crm.example.org/hook", Events: events})
		if ve, ok := valid.As(err); !ok || ve.Key != "webhook_events" {
			t.Errorf("events %v: %v", events, err)
		}
	}
	for _, sc := range []access.Scope{
		{UserID: "op", Role: access.Operator, UnitPath: "/"},
		{UserID: "sub", Role: access.Administrator, UnitPath: "/root/u1/"},
	} {
		if _, err := s.Create(ctx, sc, Input{URL: "https://crm.example.org/hook", Events: Types}); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("%s created: %v", sc.UserID, err)
		}
		if _, err := s.List(ctx, sc); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("%s listed: %v", sc.UserID, err)
		}
		if err := s.Resend(ctx, sc, "x"); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("%s resent: %v", sc.UserID, err)
		}
	}
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_endpoints`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d endpoints stored (%v)", n, err)
	}
	if _, err := s.Deliveries(ctx, admin, "no-such", 10); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("unknown endpoint: %v", err)
	}
}

// TestPrivateAddressRefusedWhenDialled: a name that resolves to a
// private address passes the form but is refused by the sending client.
func TestPrivateAddressRefusedWhenDialled(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Error("the private endpoint was reached")
	}))
	defer srv.Close()
	_, err := newClient(false).Get(srv.URL)
	if !errors.Is(err, errPrivate) {
		t.Fatalf("dial of %s: %v", srv.URL, err)
	}
}

// TestHangingEndpointTimesOut: an endpoint that never answers costs one
// timeout per attempt and is retried with backoff, and a disabled
// endpoint is not sent to.
func TestHangingEndpointTimesOut(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	release := make(chan struct{})
	var mu sync.Mutex
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	count := func() int { mu.Lock(); defer mu.Unlock(); return hits }
	s := New(Deps{DB: d, Box: plainBox{}, Now: c.now, AllowPrivate: true, Timeout: 200 * time.Millisecond})
	e, err := s.Create(ctx, admin, Input{URL: srv.URL, Events: []string{AppealChanged}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Publish(ctx, AppealChanged, map[string]string{"appeal_id": "a1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Step(ctx); err != nil {
		t.Fatal(err)
	}
	list, _ := s.Deliveries(ctx, admin, e.ID, 10)
	if len(list) != 1 || list[0].Attempts != 1 || list[0].Status != Pending || list[0].LastError == "" ||
		list[0].NextAt != c.now().Add(10*time.Second).UnixMilli() {
		t.Fatalf("after a hang: %+v", list)
	}
	if _, err := s.Step(ctx); err != nil || count() != 1 {
		t.Fatalf("retried before its backoff: %d hits (%v)", count(), err)
	}
	if err := s.SetEnabled(ctx, admin, e.ID, false); err != nil {
		t.Fatal(err)
	}
	c.add(time.Minute)
	if _, err := s.Step(ctx); err != nil || count() != 1 {
		t.Fatalf("a disabled endpoint was sent to: %d hits (%v)", count(), err)
	}
}

// TestOneNodeSendsEachDelivery: two nodes stepping at once on one
// database send each delivery once.
func TestOneNodeSendsEachDelivery(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{t: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
		log := &memLog{}
		a, b := newService(d, c, log), newService(d, c, log)
		if _, err := a.Step(ctx); err != nil {
			t.Fatal(err)
		}
		r := newReceiver(t, c, func() bool { return false })
		e, err := a.Create(ctx, admin, Input{URL: r.srv.URL, Events: Types})
		if err != nil {
			t.Fatal(err)
		}
		r.secret = e.Secret
		for i := 0; i < 6; i++ {
			log.add("message", `{}`)
		}
		for i := 0; i < 10 && len(r.ids()) < 6; i++ {
			var wg sync.WaitGroup
			for _, s := range []*Service{a, b} {
				wg.Add(1)
				go func(s *Service) {
					defer wg.Done()
					if _, err := s.Step(ctx); err != nil {
						t.Error(err)
					}
				}(s)
			}
			wg.Wait()
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if len(r.tried) != 6 || len(r.got) != 6 {
			t.Fatalf("tried %v", r.tried)
		}
		for i, env := range r.got {
			if env.ID != "inbox-"+strconv.Itoa(i+1) {
				t.Fatalf("order %d: %s", i, env.ID)
			}
		}
	})
}
