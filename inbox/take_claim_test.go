package inbox_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/storage/db"
)

// Operators taking one waiting conversation at once: exactly one holds it,
// the others are refused as "not waiting", and the routing log has one
// "taken" entry.
func TestContestedTakeHasOneWinner(t *testing.T) {
	f := newFixture(t, inbox.Manual)
	ctx := context.Background()
	f.online(t, f.tok1)
	f.online(t, f.tok2)
	_, a := f.post(t, f.n.Server.URL, "m1", "1", "раз")
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, refused := map[string]int{}, 0
	gate := make(chan struct{})
	for i := range 8 {
		op := f.op1
		if i%2 == 1 {
			op = f.op2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			c, err := f.n.Inbox.Routing.Take(ctx, op.Scope(""), a.ConversationID)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won[c.AssigneeID]++
			case errors.Is(err, inbox.ErrNotWaiting):
				refused++
			default:
				t.Errorf("take: %v", err)
			}
		}()
	}
	close(gate)
	wg.Wait()
	if len(won) != 1 || refused != 7 {
		t.Fatalf("won %v, refused %d", won, refused)
	}
	log, err := f.n.Inbox.Conversations.RoutingLog(ctx, f.n.System, a.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	taken := 0
	for _, e := range log {
		if e.Decision == "taken" {
			taken++
		}
	}
	if taken != 1 {
		t.Fatalf("%d taken entries: %+v", taken, log)
	}
}

// A take in flight (here: another node's, its claim in Redis) refuses a
// second taker at once, without waiting for the first one's write and
// without disturbing the queue; once the claim is gone the conversation
// can be taken.
func TestTakeInFlightRefusesAtOnce(t *testing.T) {
	f := newFixture(t, inbox.Manual)
	if f.n.DB.Dialect != db.Postgres {
		t.Skip("claims are taken on PostgreSQL only: SQLite has no row lock to wait for")
	}
	ctx := context.Background()
	f.online(t, f.tok1)
	_, a := f.post(t, f.n.Server.URL, "m1", "1", "раз")
	key := f.n.KV.Key("take", a.ConversationID)
	if err := f.n.KV.Set(ctx, key, "another node", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := f.n.Inbox.Routing.Take(ctx, f.op1.Scope(""), a.ConversationID); !errors.Is(err, inbox.ErrNotWaiting) {
		t.Fatalf("take during another's: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("refused after %v", d)
	}
	c, err := f.n.Inbox.Conversations.Get(ctx, f.n.System, a.ConversationID)
	if err != nil || c.Status != inbox.StatusWaiting || c.AssigneeID != "" {
		t.Fatalf("after a refused take: %+v %v", c, err)
	}
	if err := f.n.KV.Del(ctx, key).Err(); err != nil {
		t.Fatal(err)
	}
	if c, err := f.n.Inbox.Routing.Take(ctx, f.op1.Scope(""), a.ConversationID); err != nil || c.AssigneeID != f.op1.ID {
		t.Fatalf("take after the claim: %+v %v", c, err)
	}
	if n, _ := f.n.KV.Exists(ctx, key).Result(); n != 0 {
		t.Fatal("the claim outlived the take")
	}
}
