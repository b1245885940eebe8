package mailing

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/profhub/profhub/internal/storage/kv"
)

// events are the runners' news from the services and from each other
// over a key-value channel: a campaign to look at now ("wake") and an
// address that must get nothing more ("unsub channel address").
type events struct {
	kv     *kv.Client
	log    *slog.Logger
	wakeCh chan struct{} // this node's runner looks for work now
	unsub  recentSet     // unsubscribes heard while batches are in memory
}

func newEvents(c *kv.Client, log *slog.Logger) *events {
	e := &events{kv: c, log: log, wakeCh: make(chan struct{}, 1)}
	e.unsub.m = map[string]time.Time{}
	return e
}

// wake makes this node's runner look for work now, and tells the others.
func (e *events) wake() {
	e.wakeLocal()
	e.publish(context.Background(), "wake")
}

func (e *events) wakeLocal() {
	select {
	case e.wakeCh <- struct{}{}:
	default:
	}
}

// unsubscribed tells this node's jobs and every other node's that key
// ("channel address") must get nothing more.
func (e *events) unsubscribed(ctx context.Context, key string) {
	e.unsub.add(key)
	e.publish(ctx, "unsub "+key)
}

func (e *events) channel() string { return e.kv.Key("mailing", "events") }

func (e *events) publish(ctx context.Context, msg string) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := e.kv.Publish(ctx, e.channel(), msg).Err(); err != nil {
		e.log.Warn("mailing event not published", "err", err)
	}
}

// recentSet remembers "channel address" keys for an hour: long enough to
// outlive any batch claimed before the unsubscribe, after which the claim
// query's join with the suppression list takes over.
type recentSet struct {
	mu sync.Mutex
	m  map[string]time.Time
}

func (s *recentSet) add(k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.m[k] = now
	for k, t := range s.m {
		if now.Sub(t) > time.Hour {
			delete(s.m, k)
		}
	}
}

func (s *recentSet) has(k string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.m[k]
	return ok
}
