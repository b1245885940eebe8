package automation

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// Deps is what the automation needs from the hub.
type Deps struct {
	DB       *db.DB
	Log      *slog.Logger
	Inbox    Inbox
	Operator Operator
	CRM      CRM      // nil: no organisation condition, no appeal action
	Notifier Notifier // nil: no notify action
	Webhooks Webhooks // nil: no webhook action
	// Now is the clock of the no-answer sweep (tests move it); nil: time.Now.
	Now func() time.Time
	// MaxRuns bounds how many times rules may fire on one conversation in
	// ten minutes (the loop guard); 0: 30.
	MaxRuns int
	// Poll is how often each node looks for new events; 0: a second.
	Poll time.Duration
}

// Service is the automation of one hub node: rules (rules.go, engine.go),
// macros (macro.go) and bulk actions (bulk.go).
type Service struct {
	d     Deps
	store store
	log   *slog.Logger
	stop  context.CancelFunc
	wg    sync.WaitGroup
	mu    sync.Mutex // one pass of the engine at a time on this node
}

// New builds the service; Start runs its worker.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.MaxRuns <= 0 {
		d.MaxRuns = 30
	}
	if d.Poll <= 0 {
		d.Poll = time.Second
	}
	return &Service{d: d, store: store{db: d.DB}, log: d.Log.With("pkg", "automation")}
}

// Start runs the rules' worker: every node follows the event log, and the
// cursor's compare-and-set gives each event to one of them.
func (s *Service) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(s.d.Poll)
		defer tick.Stop()
		sweep := time.Now()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if _, err := s.RunEvents(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("rules: event pass failed", "err", err)
			}
			if time.Since(sweep) >= 30*time.Second {
				sweep = time.Now()
				if err := s.RunNoAnswer(ctx); err != nil && ctx.Err() == nil {
					s.log.Warn("rules: no-answer sweep failed", "err", err)
				}
			}
		}
	}()
}

// Stop ends the worker and waits for it.
func (s *Service) Stop() {
	if s.stop != nil {
		s.stop()
		s.wg.Wait()
	}
}

// Detached is a copy of the service with its own clock and loop guard and
// no worker, for tests of the no-answer sweep and the loop guard.
func (s *Service) Detached(now func() time.Time, maxRuns int) *Service {
	d := s.d
	d.Now, d.MaxRuns = now, maxRuns
	return New(d)
}
