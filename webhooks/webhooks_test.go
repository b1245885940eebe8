package webhooks

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// clock is a test clock moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// memLog is an inbox event log in memory.
type memLog struct {
	mu  sync.Mutex
	evs []LogEntry
}

func (l *memLog) add(kind string, payload string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evs = append(l.evs, LogEntry{Seq: int64(len(l.evs) + 1), Kind: kind, At: time.Unix(1796400000, 0), Payload: []byte(payload)})
}

func (l *memLog) LoggedAfter(_ context.Context, seq int64, limit int) ([]LogEntry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []LogEntry
	for _, e := range l.evs {
		if e.Seq > seq && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}

func (l *memLog) LastLogged(context.Context) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return int64(len(l.evs)), nil
}

// plainBox seals by a visible prefix, enough to see it is applied.
type plainBox struct{}

func (plainBox) Seal(s string) string { return "sealed:" + s }
func (plainBox) Open(s string) (string, error) {
	if !strings.HasPrefix(s, "sealed:") {
		return "", errors.New("not sealed")
	}
	return strings.TrimPrefix(s, "sealed:"), nil
}

var admin = access.Scope{UserID: "u-admin", Role: access.Administrator, UnitPath: "/"}

func newService(d *db.DB, c *clock, log EventLog) *Service {
	return New(Deps{DB: d, Events: log, Box: plainBox{}, NodeID: "test", AllowPrivate: true, Now: c.now})
}

// receiver records the deliveries it took and fails while fail says so.
type receiver struct {
	mu     sync.Mutex
	srv    *httptest.Server
	fail   func() bool
	got    []envelope // taken (2xx) ones, in order
	tried  []string   // event ids of every request
	secret string
	t      *testing.T
	c      *clock
}

func newReceiver(t *testing.T, c *clock, fail func() bool) *receiver {
	r := &receiver{fail: fail, t: t, c: c}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var env envelope
		if err := json.Unmarshal(body, &env); err != nil {
			t.Errorf("body is not an envelope: %s", body)
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.tried = append(r.tried, env.ID)
		if !verify(r.secret, req.Header.Get(SignatureHeader), body, c.now()) {
			t.Errorf("bad signature %q on %s", req.Header.Get(SignatureHeader), env.ID)
		}
		if req.Header.Get("Profhub-Delivery") == "" {
			t.Errorf("no delivery id on %s", env.ID)
		}
		if r.fail() {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		r.got = append(r.got, env)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// verify checks a signature as a receiver would (docs/API.md): the
// HMAC of "<t>.<body>", and t within five minutes of its clock.
func verify(secret, header string, body []byte, now time.Time) bool {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || now.Sub(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + string(body)))
	want := hex.EncodeToString(m.Sum(nil))
	return hmac.Equal([]byte(want), []byte(sig))
}

func (r *receiver) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.got {
		out = append(out, e.ID)
	}
	return out
}

// TestFailingReceiverGetsEveryEventInOrder: an endpoint that answers 500
// for a day holds its events (only the first is retried, with growing
// waits the log shows); once it recovers it receives every event once,
// in order, each signed validly; a healthy endpoint is not held by it.
func TestFailingReceiverGetsEveryEventInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{t: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
		log := &memLog{}
		log.add("message", `{"old":true}`) // before webhooks: not sent
		s := newService(d, c, log)
		if _, err := s.Step(ctx); err != nil {
			t.Fatal(err)
		}
		start := c.now()
		down := newReceiver(t, c, func() bool { return c.now().Before(start.Add(26 * time.Hour)) })
		up := newReceiver(t, c, func() bool { return false })
		e1, err := s.Create(ctx, admin, Input{URL: down.srv.URL + "/hook", Events: Types})
		if err != nil {
			t.Fatal(err)
		}
		e2, err := s.Create(ctx, admin, Input{URL: up.srv.URL, Events: []string{AppealChanged}})
		if err != nil {
			t.Fatal(err)
		}
		down.secret, up.secret = e1.Secret, e2.Secret
		if !strings.HasPrefix(e1.Secret, "whsec_") || e1.Secret == e2.Secret {
			t.Fatalf("secrets %q %q", e1.Secret, e2.Secret)
		}

		log.add("message", `{"message":{"text":"Здравствуйте"}}`)
		log.add("conversation", `{"conversation":{"status":"open"}}`)
		log.add("alert", `{}`) // not an event type: skipped
		if err := s.Publish(ctx, AppealChanged, map[string]any{"appeal_id": "a1", "status": "in_work"}); err != nil {
			t.Fatal(err)
		}
		log.add("status", `{"message":{"status":"delivered"}}`)
		if err := s.Publish(ctx, MailingChanged, map[string]any{"campaign_id": "m1", "status": "sent"}); err != nil {
			t.Fatal(err)
		}
		// Fan-out runs at Step: the inbox events come after the two
		// published ones in seq. Step now, then publish nothing more.
		for i := 0; i < 80 && len(down.ids()) < 5; i++ {
			if _, err := s.Step(ctx); err != nil {
				t.Fatal(err)
			}
			if i == 3 {
				// Mid-outage: the log shows the held head with its
				// attempts, the code and the next attempt.
				list, err := s.Deliveries(ctx, admin, e1.ID, 50)
				if err != nil {
					t.Fatal(err)
				}
				if len(list) != 5 {
					t.Fatalf("%d deliveries for the failing endpoint, want 5", len(list))
				}
				head := list[len(list)-1]
				if head.Status != Pending || head.Attempts < 2 || head.LastCode != 500 || head.NextAt <= c.now().UnixMilli() {
					t.Fatalf("held head %+v", head)
				}
				for _, dl := range list[:len(list)-1] {
					if dl.Attempts != 0 {
						t.Fatalf("a later delivery was tried before the head: %+v", dl)
					}
				}
			}
			c.add(time.Hour)
		}
		want := []string{}
		down.mu.Lock()
		// Published ones first (queued at once), then the inbox events in log order.
		for _, e := range down.got {
			want = append(want, e.Type)
		}
		tried := append([]string(nil), down.tried...)
		down.mu.Unlock()
		if strings.Join(want, " ") != "appeal.changed mailing.changed message.created conversation.updated message.status" {
			t.Fatalf("received in order %v", want)
		}
		ids := down.ids()
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] {
				t.Fatalf("event %s received twice", id)
			}
			seen[id] = true
		}
		if len(tried) < 8 || tried[0] != ids[0] || tried[1] != ids[0] {
			t.Fatalf("attempts %v: the head should be retried before anything else", tried)
		}
		if got := up.ids(); len(got) != 1 || up.got[0].Type != AppealChanged {
			t.Fatalf("healthy endpoint got %v", got)
		}
		list, _ := s.Deliveries(ctx, admin, e1.ID, 50)
		for _, dl := range list {
			if dl.Status != Sent || dl.LastCode != 200 {
				t.Fatalf("after recovery %+v", dl)
			}
		}

		// "Отправить снова": a sent delivery goes once more, same event id.
		if err := s.Resend(ctx, admin, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Step(ctx); err != nil {
			t.Fatal(err)
		}
		if got := down.ids(); len(got) != 6 || got[5] != got[4] {
			t.Fatalf("resent: %v", got)
		}
	})
}
