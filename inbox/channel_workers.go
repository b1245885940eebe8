package inbox

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// ChannelWorkers keeps one long-lived worker per channel of a kind (a
// long poller, a mailbox watcher): it starts workers for new channels,
// restarts one when what it was started with changes, and stops those of
// channels disabled, removed or switched to another mode. Connectors
// share it instead of each keeping its own map of goroutines.
type ChannelWorkers struct {
	Channels *Channels
	Kind     string
	Every    time.Duration // how often the channel list is read again
	Log      *slog.Logger
	// Key tells whether ch needs a worker and what the worker depends on;
	// a different key restarts it.
	Key  func(ch Channel) (key string, ok bool)
	Work func(ctx context.Context, ch Channel)
	// Lease, when set, runs each channel's worker on one node of the
	// cluster at a time, under a Redis lease of this TTL (see
	// channel_lease.go); the other nodes take over when it lapses.
	Lease time.Duration

	mu      sync.Mutex
	running map[string]*channelWorker
}

type channelWorker struct {
	key    string
	cancel context.CancelFunc
	done   chan struct{}
}

// Run manages the workers until ctx ends, then stops them all and waits.
func (w *ChannelWorkers) Run(ctx context.Context) {
	every := w.Every
	if every <= 0 {
		every = 2 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		w.sync(ctx)
		select {
		case <-ctx.Done():
			w.mu.Lock()
			defer w.mu.Unlock()
			for id, cw := range w.running {
				cw.cancel()
				<-cw.done
				delete(w.running, id)
			}
			return
		case <-t.C:
		}
	}
}

func (w *ChannelWorkers) sync(ctx context.Context) {
	chans, err := w.Channels.OfKind(ctx, w.Kind)
	if err != nil {
		if ctx.Err() == nil && w.Log != nil {
			w.Log.Warn("listing channels failed", "kind", w.Kind, "err", err)
		}
		return
	}
	want := map[string]Channel{}
	keys := map[string]string{}
	for _, ch := range chans {
		if key, ok := w.Key(ch); ok {
			want[ch.ID], keys[ch.ID] = ch, key
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running == nil {
		w.running = map[string]*channelWorker{}
	}
	for id, cw := range w.running {
		select {
		case <-cw.done: // ended by itself (lost its lease): may start again
			delete(w.running, id)
			continue
		default:
		}
		if key, ok := keys[id]; !ok || key != cw.key {
			cw.cancel()
			<-cw.done
			delete(w.running, id)
		}
	}
	for id, ch := range want {
		if _, ok := w.running[id]; ok {
			continue
		}
		if w.Lease > 0 && !w.acquire(ctx, id) {
			continue // another node runs it
		}
		wctx, cancel := context.WithCancel(ctx)
		cw := &channelWorker{key: keys[id], cancel: cancel, done: make(chan struct{})}
		w.running[id] = cw
		go func() {
			defer close(cw.done)
			if w.Lease > 0 {
				lctx, lcancel := context.WithCancel(context.WithoutCancel(wctx))
				held := make(chan struct{})
				go func() {
					defer close(held)
					w.hold(lctx, id, cancel)
				}()
				// The lease is released only after the worker returned.
				defer func() { lcancel(); <-held }()
			}
			w.Work(wctx, ch)
		}()
	}
}
