package webhooks

import (
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// countingLog counts the reads of the log's events.
type countingLog struct {
	*memLog
	reads int
}

func (l *countingLog) LoggedAfter(ctx context.Context, seq int64, limit int) ([]LogEntry, error) {
	l.reads++
	return l.memLog.LoggedAfter(ctx, seq, limit)
}

// TestFanOutSkipsUnsubscribedLog: with no endpoint the fan-out moves its
// cursor to the log's end without reading the events; an endpoint
// created afterwards gets what is logged after it, and nothing before.
func TestFanOutSkipsUnsubscribedLog(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{t: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
		log := &countingLog{memLog: &memLog{}}
		s := newService(d, c, log)
		if _, err := s.Step(ctx); err != nil { // the first run starts at the end
			t.Fatal(err)
		}
		for range 3 {
			log.add("message", `{"message":{"text":"до подписки"}}`)
		}
		if _, err := s.Step(ctx); err != nil {
			t.Fatal(err)
		}
		if log.reads != 0 {
			t.Fatalf("the log was read %d times with no endpoint", log.reads)
		}
		var cursor int64
		if err := d.QueryRowContext(ctx, `SELECT value FROM webhook_state WHERE name = 'inbox'`).Scan(&cursor); err != nil || cursor != 3 {
			t.Fatalf("cursor %d (%v), want 3", cursor, err)
		}
		r := newReceiver(t, c, func() bool { return false })
		e, err := s.Create(ctx, admin, Input{URL: r.srv.URL, Events: Types})
		if err != nil {
			t.Fatal(err)
		}
		r.secret = e.Secret
		log.add("message", `{"message":{"text":"после подписки"}}`)
		for i := 0; i < 20 && len(r.ids()) < 1; i++ {
			if _, err := s.Step(ctx); err != nil {
				t.Fatal(err)
			}
			c.add(time.Second)
		}
		if got := r.ids(); len(got) != 1 || got[0] != "inbox-4" {
			t.Fatalf("delivered %v, want [inbox-4]", got)
		}
	})
}
