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

	lines    *ttlCache[Line]
	channels *ttlCache[Channel]

	events *relay
	router *router
	metric metrics

	redisDownUntil atomic.Int64 // ms; Redis work is skipped until then
	needRebuild    atomic.Bool  // Redis missed changes: rebuild when it answers

	// ctx ends when the inbox stops; the workers run under it.
	ctx context.Context
}

// Services are the inbox of one hub node, one service per job, so that a
// feature has one type and one file to change (see docs/ARCHITECTURE.md):
//
//	Lines          line.go, line_store.go     open lines and their operators
//	Channels       channel.go                 the channels registry and connectors' hooks
//	Conversations  query.go                   conversations, their messages and routing log
//	Ingestion      ingest*.go, apichannel.go  a member's message in: contact, conversation, queue
//	Routing        routing.go, rebuild.go     offers, take, accept, decline, transfer; Redis queues
//	Presence       presence.go                operators' presence and their offers
//	Dispatch       dispatch*.go               replies and notes out through the channels' senders
//	Pacing         pacing.go                  providers' rate limits shared by every node
//	Actions        lifecycle.go, …            a conversation's state: close, reopen, priority, member
//	Events         relay.go, client.go        live events to consoles and contacts
//	Attachments    attachments.go             files of messages
//	QuickAnswers   quick_answers.go           canned replies of operators and lines
//	Stats          stats.go                   figures per operator and line for a period
//	Supervisor     supervisor.go              the supervisors' live overview of their lines
//
// Each embeds the shared core and holds only the other services it calls.
// The HTTP handlers are small types of their own in the *_routes.go files,
// over the services; routes.go is the table of contents. Several nodes
// share SQL and Redis and cooperate through them.
type Services struct {
	Lines         *Lines
	Channels      *Channels
	Conversations *Conversations
	Ingestion     *Ingestion
	Routing       *Routing
	Presence      *Presence
	Dispatch      *Dispatch
	Pacing        *Pacing
	Actions       *Actions
	Events        *Events
	Attachments   *Attachments
	QuickAnswers  *QuickAnswers
	Stats         *Statistics
	Supervisor    *Supervisor

	core    *core
	batch   *batcher
	house   *housekeeper
	stop    context.CancelFunc
	workers sync.WaitGroup
}

// New builds the inbox's services; Start runs their workers.
func New(d Deps) (*Services, error) {
	c := &core{db: d.DB, kv: d.KV, blobs: d.Blobs, box: d.Box, log: d.Log.With("pkg", "inbox"), node: d.NodeID,
		lines: newTTLCache[Line](3 * time.Second), channels: newTTLCache[Channel](3 * time.Second),
		metric: newMetrics(d.Metrics)}
	if c.node == "" {
		c.node = "node"
	}
	s := &Services{core: c}
	var ctx context.Context
	ctx, s.stop = context.WithCancel(context.Background())
	c.ctx = ctx

	routing := &Routing{core: c}
	// A changed line re-mirrors its operators to Redis and wakes the
	// router, which are routing's jobs; the Lines service only reports.
	lines := &Lines{core: c, changed: routing.lineChanged}
	routing.lineSvc = lines
	presence := &Presence{core: c, lines: lines}
	routing.presence = presence
	channels := &Channels{core: c, lines: lines, hooks: map[string]ChannelHook{}}
	dispatch := &Dispatch{core: c, senders: map[string]Sender{}}
	events := &Events{core: c, lines: lines, dispatch: dispatch, presence: presence}
	attachments := &Attachments{core: c}
	dispatch.attachments = attachments
	dispatch.routing = routing
	actions := &Actions{core: c, routing: routing, events: events}
	ingestion := &Ingestion{core: c, dispatch: dispatch}

	s.Lines = lines
	s.Channels = channels
	s.Conversations = &Conversations{core: c}
	s.Ingestion = ingestion
	s.Routing = routing
	s.Presence = presence
	s.Dispatch = dispatch
	s.Pacing = &Pacing{core: c}
	s.Actions = actions
	s.Events = events
	s.Attachments = attachments
	s.QuickAnswers = &QuickAnswers{core: c, lines: lines}
	s.Stats = &Statistics{core: c, lines: lines}
	s.Supervisor = &Supervisor{core: c, lines: lines}

	c.events = newRelay(events)
	c.router = newRouter(routing)
	s.batch = newBatcher(ingestion)
	ingestion.batch = s.batch
	s.house = &housekeeper{core: c, routing: routing, presence: presence, actions: actions}
	dispatch.RegisterSender(KindAPI, &webhookSender{})
	return s, nil
}

// Start runs the background workers: group commit, event relay, routing
// sweeps, dispatch and housekeeping.
func (s *Services) Start() {
	// Rebuild Redis's routing state (if it is empty) before anything routes:
	// a rebuild running after the first offers would drop them.
	ctx, cancel := context.WithTimeout(s.core.ctx, 10*time.Second)
	if err := s.Routing.ensureBuilt(ctx); err != nil {
		s.core.log.Warn("routing state not rebuilt at start; the sweeper retries", "err", err)
	}
	cancel()
	s.goWorker("ingest batcher", s.batch.run)
	s.goWorker("event relay", s.core.events.run)
	s.goWorker("router", s.core.router.run)
	s.goWorker("dispatcher", s.Dispatch.runDispatcher)
	s.goWorker("housekeeping", s.house.run)
}

func (s *Services) goWorker(name string, fn func(ctx context.Context)) {
	s.workers.Add(1)
	go func() {
		defer s.workers.Done()
		fn(s.core.ctx)
		s.core.log.Debug("worker stopped", "worker", name)
	}()
}

// Stop ends the workers and waits for them; work not finished stays in SQL
// for another node or the next start.
func (s *Services) Stop() {
	s.stop()
	s.workers.Wait()
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
