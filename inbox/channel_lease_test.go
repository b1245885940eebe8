package inbox_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
)

// Two nodes on one Redis run one worker for a channel between them: the
// lease holder's worker keeps running while it renews, the other node
// takes over when the holder stops, and also when a holder dies without
// releasing (its lease expires).
func TestChannelWorkerRunsOnOneNode(t *testing.T) {
	s, _ := hubtest.NewSharedStorage(t)
	a, b := hubtest.StartOn(t, s), hubtest.StartOn(t, s)
	ctx := context.Background()
	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Опрос", a.Root.ID
	line, err := a.Inbox.Lines.Create(ctx, a.System, l)
	if err != nil {
		t.Fatal(err)
	}
	ch, _, err := a.Inbox.Channels.Create(ctx, a.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindAPI, Name: "poller"})
	if err != nil {
		t.Fatal(err)
	}
	const ttl = 900 * time.Millisecond
	var mu sync.Mutex
	running, peak := map[string]bool{}, 0
	starts := map[string]*atomic.Int32{"a": {}, "b": {}}
	workers := func(node string, e *inbox.Services) *inbox.ChannelWorkers {
		return &inbox.ChannelWorkers{Channels: e.Channels, Kind: inbox.KindAPI, Every: 100 * time.Millisecond, Lease: ttl,
			Key: func(c inbox.Channel) (string, bool) { return "k", c.ID == ch.ID },
			Work: func(ctx context.Context, _ inbox.Channel) {
				starts[node].Add(1)
				mu.Lock()
				running[node] = true
				peak = max(peak, len(running))
				mu.Unlock()
				<-ctx.Done()
				mu.Lock()
				delete(running, node)
				mu.Unlock()
			}}
	}
	runningOn := func() string {
		mu.Lock()
		defer mu.Unlock()
		for n := range running {
			return n
		}
		return ""
	}
	actx, stopA := context.WithCancel(ctx)
	bctx, stopB := context.WithCancel(ctx)
	defer stopB()
	aDone, bDone := make(chan struct{}), make(chan struct{})
	go func() { workers("a", a.Inbox).Run(actx); close(aDone) }()
	time.Sleep(300 * time.Millisecond) // a takes the lease first
	go func() { workers("b", b.Inbox).Run(bctx); close(bDone) }()

	// Over several TTLs the holder renews and nothing moves.
	time.Sleep(4 * ttl)
	if got := runningOn(); got != "a" || starts["a"].Load() != 1 || starts["b"].Load() != 0 {
		t.Fatalf("running on %q, starts a=%d b=%d", got, starts["a"].Load(), starts["b"].Load())
	}
	// A stops cleanly: it releases the lease and b takes over at once.
	stopA()
	<-aDone
	waitUntil(t, 2*time.Second, func() bool { return runningOn() == "b" })

	// B "dies": a foreign holder appears in its place (b's renewal finds
	// the lease gone and stops b's worker) and never renews; a new node a
	// takes over only after that lease expires.
	key := a.KV.Key("lease", inbox.KindAPI, ch.ID)
	if err := a.KV.Set(ctx, key, "dead-node", ttl).Err(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 2*time.Second, func() bool { return runningOn() == "" })
	lost := time.Now()
	stopB()
	<-bDone
	actx2, stopA2 := context.WithCancel(ctx)
	defer stopA2()
	go workers("a", a.Inbox).Run(actx2)
	waitUntil(t, 3*time.Second, func() bool { return runningOn() == "a" })
	if since := time.Since(lost); since < ttl/3 {
		t.Fatalf("took over a live lease after %s", since)
	}
	mu.Lock()
	defer mu.Unlock()
	if peak != 1 {
		t.Fatalf("workers ran on %d nodes at once", peak)
	}
}

func waitUntil(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
