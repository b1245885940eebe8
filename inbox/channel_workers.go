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
	Engine *Engine
	Kind   string
	Every  time.Duration // how often the channel list is read again
	Log    *slog.Logger
	// Key tells whether ch needs a worker and what the worker depends on;
	// a different key restarts it.
	Key  func(ch Channel) (key string, ok bool)
	Work func(ctx context.Context, ch Channel)

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
	chans, err := w.Engine.ChannelsOfKind(ctx, w.Kind)
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
		wctx, cancel := context.WithCancel(ctx)
		cw := &channelWorker{key: keys[id], cancel: cancel, done: make(chan struct{})}
		w.running[id] = cw
		go func() {
			defer close(cw.done)
			w.Work(wctx, ch)
		}()
	}
}
