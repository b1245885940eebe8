package widget_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/widget"
)

func TestNewSessionsPerAddressAreLimited(t *testing.T) {
	f := newFixture(t)
	f.withLimits(t, widget.Limits{SessionsPerIPHour: 2})
	f.session(t)
	f.session(t)
	code, out, _ := f.req(t, "POST", "/widget/v1/session/"+f.ch.ID, siteOrigin, map[string]any{"name": "Анна", "contact": "anna@example.org", "consent": true})
	if code != http.StatusTooManyRequests || out["error"].(map[string]any)["code"] != "rate_limited" {
		t.Fatalf("third session: %d %v", code, out)
	}
	// The offline form counts as a new visitor too.
	code, _, _ = f.req(t, "POST", "/widget/v1/offline/"+f.ch.ID, siteOrigin, map[string]any{"name": "Анна", "contact": "anna@example.org",
		"consent": true, "text": "вопрос"})
	if code != http.StatusTooManyRequests {
		t.Fatalf("offline form over the limit: %d", code)
	}
}

func TestSocketsPerAddressAreLimited(t *testing.T) {
	f := newFixture(t)
	f.withLimits(t, widget.Limits{SocketsPerIP: 2})
	token := f.session(t)
	a := f.mustDial(t, token, "")
	f.mustDial(t, token, "")
	s, _, err := f.dial(t, token, "", siteOrigin)
	if err != nil {
		t.Fatal(err)
	}
	if code := s.closed(); code != 4029 {
		t.Fatalf("third socket closed with %d, want 4029", code)
	}
	// A closed socket frees its slot.
	a.conn.CloseNow()
	deadlineDial(t, f, token)
}

// deadlineDial retries until a socket is accepted (the server notices a
// closed socket asynchronously).
func deadlineDial(t *testing.T, f *fixture, token string) {
	t.Helper()
	for range 50 {
		s, _, err := f.dial(t, token, "", siteOrigin)
		if err != nil {
			t.Fatal(err)
		}
		fr, ok := <-s.in
		if ok && fr.Type == "hello" {
			return
		}
	}
	t.Fatal("slot never freed")
}

func TestMessagesPerSocketAreLimited(t *testing.T) {
	f := newFixture(t)
	f.withLimits(t, widget.Limits{MessagesPerSecond: 0.01, MessageBurst: 2})
	s := f.mustDial(t, f.session(t), "")
	s.exchange("a", "один")
	s.exchange("b", "два")
	s.message("c", "три")
	e := s.next(isType("error"))
	if e.Code != "rate_limited" || e.ClientID != "c" || !strings.Contains(e.Message, "too fast") {
		t.Fatalf("third message: %+v", e)
	}
	s.quiet(300 * time.Millisecond)
	if n := f.count(t, `SELECT COUNT(*) FROM inbox_messages WHERE direction = 'in'`); n != 2 {
		t.Fatalf("%d messages stored, want 2", n)
	}
}

func TestFrameAndMessageSizeAreLimited(t *testing.T) {
	f := newFixture(t)
	f.withLimits(t, widget.Limits{MaxFrameBytes: 2048, MaxTextRunes: 100})
	token := f.session(t)
	s := f.mustDial(t, token, "")
	s.message("long", strings.Repeat("я", 101))
	if e := s.next(isType("error")); e.Code != "invalid" || e.ClientID != "long" || !strings.Contains(e.Message, "100 characters") {
		t.Fatalf("long message: %+v", e)
	}
	// Over the limit but small enough to leave in one write: a frame the
	// server refuses midway can reset the connection before the client
	// reads the close code (seen once in CI).
	s.message("huge", strings.Repeat("x", 3000))
	if code := s.closed(); code != 1009 {
		t.Fatalf("huge frame closed the socket with %d, want 1009 (message too big)", code)
	}
}

// A channel's own limits override the node's: this channel allows one new
// chat per address and two messages per socket without waiting (a refused one counts).
func TestChannelLimitsOverrideTheNodes(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	_, err := f.n.Inbox.Channels.Update(ctx, f.n.System, f.ch.ID, inbox.ChannelChanges{Settings: map[string]string{
		"limit_sessions_per_ip_hour": "1", "limit_message_burst": "2", "limit_messages_per_second": "0.1", "limit_max_text": "10"}})
	if err != nil {
		t.Fatal(err)
	}
	token := f.session(t)
	code, out, _ := f.req(t, "POST", "/widget/v1/session/"+f.ch.ID, siteOrigin, map[string]any{"name": "Анна", "contact": "anna@example.org", "consent": true})
	if code != http.StatusTooManyRequests {
		t.Fatalf("second session on a channel allowing one: %d %v", code, out)
	}
	_, cfg, _ := f.req(t, "GET", "/widget/v1/config/"+f.ch.ID, siteOrigin, nil)
	if cfg["max_text"] != float64(10) {
		t.Fatalf("config max_text = %v, want 10", cfg["max_text"])
	}
	s := f.mustDial(t, token, "")
	s.message("c1", "длинный текст больше десяти")
	if fr := s.next(func(fr frame) bool { return fr.Type == "error" || fr.Type == "ack" }); fr.Type != "error" || !strings.Contains(fr.Message, "limited to 10") {
		t.Fatalf("over the channel's text limit: %+v", fr)
	}
	s.message("c2", "коротко")
	if fr := s.next(func(fr frame) bool { return fr.Type == "error" || fr.Type == "ack" }); fr.Type != "ack" {
		t.Fatalf("first message: %+v", fr)
	}
	s.message("c3", "ещё")
	if fr := s.next(func(fr frame) bool { return fr.Type == "error" || fr.Type == "ack" }); fr.Type != "error" || fr.Code != "rate_limited" {
		t.Fatalf("third message with a burst of two: %+v", fr)
	}
}

func TestChannelLimitsAreChecked(t *testing.T) {
	f := newFixture(t)
	for _, bad := range []map[string]string{
		{"limit_sockets_per_ip": "0"}, {"limit_sockets_per_ip": "many"}, {"limit_message_burst": "2.5"},
		{"limit_messages_per_second": "1e9"}, {"limit_max_text": "-1"},
	} {
		if _, err := f.n.Inbox.Channels.Update(t.Context(), f.n.System, f.ch.ID, inbox.ChannelChanges{Settings: bad}); err == nil {
			t.Errorf("settings %v accepted", bad)
		}
	}
}
