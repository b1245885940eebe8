package inbox

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/kv"
)

// Deps is what the engine needs from the hub.
type Deps struct {
	DB      *db.DB
	KV      *kv.Client
	Blobs   blob.Store
	Box     *secretbox.Box
	Log     *slog.Logger
	Metrics prometheus.Registerer
	NodeID  string // names this node's stream consumer
	// Alerts hears of offers, transfers and mentions for the bell
	// (alerts.go); nil: nobody is told beyond the console.
	Alerts Alerter
	// Calendar is the production calendar lines' working hours follow
	// (calendar.go); nil: the plain week.
	Calendar Calendar
	// Absences takes absent operators out of routing (calendar.go); nil:
	// nobody is ever absent.
	Absences Absences
	// Zone is the installation's (PROFHUB_TIME_ZONE): working hours
	// without a zone of their own, and the statistics' days, are counted
	// in it. Nil: Orenburg's (UTC+5).
	Zone *time.Location
}

// core is the state every inbox service shares: the stores, the log, the
// caches of rows that every message needs, and the machinery that runs
// after a writing transaction commits (txw.go): the event relay, the
// router's queues and the dispatch stream. Its methods are the unscoped
// reads and the write path every service uses; they are promoted to each
// service that embeds core.
type core struct {
	db    *db.DB
	kv    *kv.Client
	blobs blob.Store
	box   *secretbox.Box
	log   *slog.Logger
	node  string
	// alerts is the hub's notification centre (alerts.go); nil: none.
	alerts Alerter
	// absences names operators away on an approved absence; nil: none.
	absences Absences
	offers   chan offerAlert // to the offer-alert worker

	lines    *ttlCache[Line]
	channels *ttlCache[Channel]

	events *relay
	router *router
	group  *groupWriter // operators' writes, committed together once started
	metric metrics

	redisDownUntil atomic.Int64 // ms; Redis work is skipped until then
	needRebuild    atomic.Bool  // Redis missed changes: rebuild when it answers

	rating atomic.Pointer[RatingConfig] // signs rating tokens (rating_request.go)

	// ctx ends when the inbox stops; the workers run under it.
	ctx context.Context
}

// sleep waits d or until ctx ends; false means stop.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func isCanceled(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// ttlCache keeps rarely changing rows (lines, channels) that every message
// needs, for a few seconds.
type ttlCache[T any] struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[string]cacheEntry[T]
}

type cacheEntry[T any] struct {
	v  T
	at time.Time
}

func newTTLCache[T any](ttl time.Duration) *ttlCache[T] {
	return &ttlCache[T]{ttl: ttl, m: map[string]cacheEntry[T]{}}
}

func (c *ttlCache[T]) get(k string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || time.Since(e.at) > c.ttl {
		var zero T
		return zero, false
	}
	return e.v, true
}

func (c *ttlCache[T]) put(k string, v T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k] = cacheEntry[T]{v: v, at: time.Now()}
}

func (c *ttlCache[T]) drop(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, k)
}
