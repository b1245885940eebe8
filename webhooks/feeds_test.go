package webhooks

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// memFeed is a feed of appeal history lines with text cursors.
type memFeed struct {
	mu    sync.Mutex
	lines []string
}

func (f *memFeed) FeedAfter(_ context.Context, cursor string, limit int) ([]FeedEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []FeedEntry
	for _, l := range f.lines {
		if l > cursor && len(out) < limit {
			out = append(out, FeedEntry{Cursor: l, ID: "appeal-" + l, Type: AppealChanged, At: time.Unix(0, 0), Data: map[string]string{"line": l}})
		}
	}
	return out, nil
}

func (f *memFeed) FeedEnd(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.lines) == 0 {
		return "", nil
	}
	return f.lines[len(f.lines)-1], nil
}

// TestFeedAndObserve: the appeals' history is followed from where it
// stood when webhooks started, each line once across restarts; a
// campaign's status change is sent once, a campaign seen first is not.
func TestFeedAndObserve(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	feed := &memFeed{lines: []string{"a0"}}
	mk := func() *Service {
		return New(Deps{DB: d, Box: plainBox{}, Now: c.now, AllowPrivate: true, Feeds: map[string]Feed{"appeals": feed}})
	}
	s := mk()
	if _, err := s.Step(ctx); err != nil {
		t.Fatal(err)
	}
	r := newReceiver(t, c, func() bool { return false })
	e, err := s.Create(ctx, admin, Input{URL: r.srv.URL, Events: []string{AppealChanged, MailingChanged}})
	if err != nil {
		t.Fatal(err)
	}
	r.secret = e.Secret
	feed.mu.Lock()
	feed.lines = append(feed.lines, "a1", "a2")
	feed.mu.Unlock()
	if _, err := s.Step(ctx); err != nil {
		t.Fatal(err)
	}
	s = mk() // a restart
	feed.mu.Lock()
	feed.lines = append(feed.lines, "a3")
	feed.mu.Unlock()
	for range 3 {
		if _, err := s.Step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	obs := func(state string) int {
		n, err := s.Observe(ctx, "mailing", MailingChanged, []Observed{{ID: "m1", State: state, Data: map[string]string{"status": state}}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The first sight of a campaign is its baseline; then each change is
	// one event and a state seen again is none.
	for i, step := range []struct {
		state string
		want  int
	}{{"draft", 0}, {"draft", 0}, {"running", 1}, {"running", 0}, {"done", 1}} {
		if got := obs(step.state); got != step.want {
			t.Fatalf("observation %d (%s): %d events, want %d", i, step.state, got, step.want)
		}
	}
	for range 3 {
		if _, err := s.Step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := strings.Join(r.ids(), " "); !strings.HasPrefix(got, "appeal-a1 appeal-a2 appeal-a3 mailing-m1-running-") || len(r.ids()) != 5 {
		t.Fatalf("received %s", got)
	}
	c.add(Keep + time.Hour)
	if n, err := s.Purge(ctx); err != nil || n != 5 {
		t.Fatalf("purged %d (%v)", n, err)
	}
}
