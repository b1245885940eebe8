package mailing

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// runner is a node's part of campaign sending. Every node looks for
// running campaigns; the one whose conditional UPDATE takes a campaign's
// lease sends it, renews the lease while it works, and releases it only
// after its last confirmed sends are in the ledger. A node that dies stops
// renewing, and another takes the campaign over when the lease runs out.
type runner struct {
	s      *Service
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	wakeCh chan struct{}

	mu   sync.Mutex
	jobs map[string]*job // campaigns this node is sending

	unsub recentSet // unsubscribes heard while batches are in memory
}

func newRunner(s *Service) *runner {
	r := &runner{s: s, wakeCh: make(chan struct{}, 1), jobs: map[string]*job{}}
	r.unsub.m = map[string]time.Time{}
	return r
}

func (r *runner) start() {
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.wg.Add(2)
	go func() { defer r.wg.Done(); r.loop() }()
	go func() { defer r.wg.Done(); r.listen() }()
}

func (r *runner) stop() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.wg.Wait()
}

// wake makes this node look for work now; events() tells the others.
func (r *runner) wake() {
	select {
	case r.wakeCh <- struct{}{}:
	default:
	}
	r.s.publish(context.Background(), "wake")
}

func (r *runner) loop() {
	t := time.NewTicker(r.s.tune.Poll)
	defer t.Stop()
	for {
		if err := r.tick(r.ctx); err != nil && !errors.Is(err, context.Canceled) {
			r.s.log.Error("campaign runner", "err", err)
		}
		select {
		case <-r.ctx.Done():
			r.mu.Lock()
			jobs := make([]*job, 0, len(r.jobs))
			for _, j := range r.jobs {
				jobs = append(jobs, j)
			}
			r.mu.Unlock()
			for _, j := range jobs {
				j.halt()
				<-j.done
			}
			return
		case <-t.C:
		case <-r.wakeCh:
		}
	}
}

// tick starts due scheduled campaigns and takes the lease of running
// campaigns nobody holds.
func (r *runner) tick(ctx context.Context) error {
	now := db.Now()
	stale := now - r.s.tune.StaleAfter.Milliseconds()
	d := r.s.d.DB
	// Writes only when a schedule is due: every node polls every second,
	// and on SQLite each write takes the one write lock.
	var due int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM mailing_campaigns
		WHERE status = 'scheduled' AND needs_confirm = FALSE AND scheduled_at <= $1`, now).Scan(&due); err != nil {
		return err
	}
	if due > 0 {
		// A schedule that passed long ago (a restored backup, a long outage)
		// waits for a person instead of surprising 254,000 people.
		if _, err := d.ExecContext(ctx, `UPDATE mailing_campaigns SET needs_confirm = TRUE, updated_at = $1
			WHERE status = 'scheduled' AND needs_confirm = FALSE AND scheduled_at < $2`, now, stale); err != nil {
			return err
		}
		if _, err := d.ExecContext(ctx, `UPDATE mailing_campaigns SET status = 'running', updated_at = $1
			WHERE status = 'scheduled' AND needs_confirm = FALSE AND scheduled_at <= $1`, now); err != nil {
			return err
		}
	}
	rows, err := d.QueryContext(ctx, `SELECT id FROM mailing_campaigns WHERE status = 'running' AND (lease_until < $1 OR lease_node = $2)`,
		now, r.s.d.NodeID)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		r.mu.Lock()
		_, busy := r.jobs[id]
		r.mu.Unlock()
		if busy {
			continue
		}
		ok, err := r.s.takeLease(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		j := newJob(r, id)
		r.mu.Lock()
		r.jobs[id] = j
		r.mu.Unlock()
		r.s.log.Info("campaign taken", "campaign", id, "node", r.s.d.NodeID)
		go func() {
			j.run()
			r.mu.Lock()
			delete(r.jobs, id)
			r.mu.Unlock()
		}()
	}
	return nil
}

// takeLease is the only way a node becomes a campaign's runner: the
// UPDATE succeeds for one node at a time.
func (s *Service) takeLease(ctx context.Context, id string) (bool, error) {
	now := db.Now()
	res, err := s.d.DB.ExecContext(ctx, `UPDATE mailing_campaigns SET lease_node = $2, lease_until = $3
		WHERE id = $1 AND status = 'running' AND (lease_node = $2 OR lease_until < $4)`,
		id, s.d.NodeID, now+s.tune.Lease.Milliseconds(), now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// renewLease extends the lease while the campaign still runs on this node;
// false means stop (paused, cancelled, or taken over).
func (s *Service) renewLease(ctx context.Context, id string) (bool, error) {
	res, err := s.d.DB.ExecContext(ctx, `UPDATE mailing_campaigns SET lease_until = $3
		WHERE id = $1 AND status = 'running' AND lease_node = $2`, id, s.d.NodeID, db.Now()+s.tune.Lease.Milliseconds())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *Service) releaseLease(ctx context.Context, id string) {
	if _, err := s.d.DB.ExecContext(ctx, `UPDATE mailing_campaigns SET lease_node = '', lease_until = 0
		WHERE id = $1 AND lease_node = $2`, id, s.d.NodeID); err != nil {
		s.log.Warn("campaign lease not released (it will expire)", "campaign", id, "err", err)
	}
}

// listen hears the other nodes: wake-ups and unsubscribes.
func (r *runner) listen() {
	for r.ctx.Err() == nil {
		sub := r.s.d.KV.Subscribe(r.ctx, r.s.eventsChannel())
		ch := sub.Channel()
	recv:
		for {
			select {
			case <-r.ctx.Done():
				break recv
			case m, ok := <-ch:
				if !ok {
					break recv
				}
				if rest, ok := strings.CutPrefix(m.Payload, "unsub "); ok {
					r.unsub.add(rest)
				}
				select {
				case r.wakeCh <- struct{}{}:
				default:
				}
				r.mu.Lock()
				for _, j := range r.jobs {
					j.poke()
				}
				r.mu.Unlock()
			}
		}
		_ = sub.Close()
		select {
		case <-r.ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (s *Service) eventsChannel() string { return s.d.KV.Key("mailing", "events") }

func (s *Service) publish(ctx context.Context, msg string) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.d.KV.Publish(ctx, s.eventsChannel(), msg).Err(); err != nil {
		s.log.Warn("mailing event not published", "err", err)
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
