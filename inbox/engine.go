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

// core is the state every inbox service shares: the stores, the log and
// the caches of rows that every message needs. Its methods are unscoped
// reads for the engine's own work; they are promoted to Engine and to each
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
}

// Engine is the inbox of one hub node. Several engines on several nodes
// share SQL and Redis and cooperate through them. The jobs that stand alone
// are services in named fields (Lines, Channels, Conversations,
// QuickAnswers, Stats, Supervisor); what is left on Engine is the message
// flow: ingest, routing, conversation actions, dispatch and live events.
type Engine struct {
	*core

	Lines        *Lines        // open lines and their operators
	QuickAnswers *QuickAnswers // canned replies of operators and lines
	Stats        *Statistics   // figures per operator and line for a period
	Supervisor   *Supervisor   // the supervisors' live overview of their lines
	Channels     *Channels     // the channels registry and connectors' hooks
	// Conversations reads conversations, their messages and routing log.
	Conversations *Conversations

	senders map[string]Sender // by channel kind
	sendMu  sync.RWMutex
	replies replyMatcher // mass mailings a message may answer

	batch  *batcher
	events *relay
	router *router
	metric metrics

	searchMu       sync.Mutex   // one search indexing step at a time in this process
	redisDownUntil atomic.Int64 // ms; Redis work is skipped until then
	needRebuild    atomic.Bool  // Redis missed changes: rebuild when it answers

	stop    context.CancelFunc
	ctx     context.Context
	workers sync.WaitGroup
}

// New builds the engine; Start runs its workers.
func New(d Deps) (*Engine, error) {
	c := &core{db: d.DB, kv: d.KV, blobs: d.Blobs, box: d.Box, log: d.Log.With("pkg", "inbox"), node: d.NodeID,
		lines: newTTLCache[Line](3 * time.Second), channels: newTTLCache[Channel](3 * time.Second)}
	if c.node == "" {
		c.node = "node"
	}
	e := &Engine{core: c, senders: map[string]Sender{}}
	// A changed line re-mirrors its operators to Redis and wakes the
	// router, which are the engine's jobs; the Lines service only reports.
	e.Lines = &Lines{core: c, changed: e.lineChanged}
	e.QuickAnswers = &QuickAnswers{core: c, lines: e.Lines}
	e.Stats = &Statistics{core: c, lines: e.Lines}
	e.Supervisor = &Supervisor{core: c, lines: e.Lines}
	e.Conversations = &Conversations{core: c}
	e.Channels = &Channels{core: c, lines: e.Lines, hooks: map[string]ChannelHook{}}
	e.ctx, e.stop = context.WithCancel(context.Background())
	e.metric = newMetrics(d.Metrics)
	e.batch = newBatcher(e)
	e.events = newRelay(e)
	e.router = newRouter(e)
	e.RegisterSender(KindAPI, &webhookSender{e: e})
	return e, nil
}

// RegisterSender makes s send the replies of channels of kind; each
// connector registers its own.
func (e *Engine) RegisterSender(kind string, s Sender) {
	e.sendMu.Lock()
	defer e.sendMu.Unlock()
	e.senders[kind] = s
}

func (e *Engine) sender(kind string) (Sender, bool) {
	e.sendMu.RLock()
	defer e.sendMu.RUnlock()
	s, ok := e.senders[kind]
	return s, ok
}

// Start runs the background workers: group commit, event relay, routing
// sweeps, dispatch and housekeeping.
func (e *Engine) Start() {
	// Rebuild Redis's routing state (if it is empty) before anything routes:
	// a rebuild running after the first offers would drop them.
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	if err := e.ensureBuilt(ctx); err != nil {
		e.log.Warn("routing state not rebuilt at start; the sweeper retries", "err", err)
	}
	cancel()
	e.goWorker("ingest batcher", e.batch.run)
	e.goWorker("event relay", e.events.run)
	e.goWorker("router", e.router.run)
	e.goWorker("dispatcher", e.runDispatcher)
	e.goWorker("housekeeping", e.runHousekeeping)
	e.goWorker("search indexer", e.runSearchIndexer)
}

func (e *Engine) goWorker(name string, fn func(ctx context.Context)) {
	e.workers.Add(1)
	go func() {
		defer e.workers.Done()
		fn(e.ctx)
		e.log.Debug("worker stopped", "worker", name)
	}()
}

// Stop ends the workers and waits for them; work not finished stays in SQL
// for another node or the next start.
func (e *Engine) Stop() {
	e.stop()
	e.workers.Wait()
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
