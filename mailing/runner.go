package mailing

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// Runner is a node's part of campaign sending. Every node looks for
// running campaigns; the one whose conditional UPDATE takes a campaign's
// lease sends it (a job, job.go), renews the lease while it works, and
// releases it only after its last confirmed sends are in the ledger. A
// node that dies stops renewing, and another takes the campaign over when
// the lease runs out.
type Runner struct {
	db      *db.DB
	log     *slog.Logger
	tune    Tuning
	nodeID  string
	metrics *metrics
	events  *events
	flight  *flightLogs

	// What a job builds its audience with and sends through.
	audience     *Audience
	accounts     *Accounts
	gateways     *SMSGateways
	messengers   *Messengers
	tracking     *Tracking
	suppressions *Suppressions
	tokens       tokens
	images       *Images                                      // swept of pictures no letter names
	ended        func(ctx context.Context, campaignID string) // Deps.Ended; may be nil

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu   sync.Mutex
	jobs map[string]*job // campaigns this node is sending
}

// Run starts looking for campaigns to send; Stop ends it.
func (r *Runner) Run() {
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.wg.Add(3)
	go func() { defer r.wg.Done(); r.loop() }()
	go func() { defer r.wg.Done(); r.listen() }()
	go func() {
		defer r.wg.Done()
		r.images.sweepImages(r.ctx, r.tune.ImageSweep, func(n int, err error) {
			if err != nil {
				r.log.Error("mailing image sweep", "err", err)
			} else if n > 0 {
				r.log.Info("mailing pictures no letter names deleted", "count", n)
			}
		})
	}()
}

// Stop ends the runner; sends in flight finish and are recorded first.
func (r *Runner) Stop() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.wg.Wait()
}

func (r *Runner) loop() {
	t := time.NewTicker(r.tune.Poll)
	defer t.Stop()
	for {
		if err := r.tick(r.ctx); err != nil && !errors.Is(err, context.Canceled) {
			r.log.Error("campaign runner", "err", err)
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
		case <-r.events.wakeCh:
		}
	}
}

// tick starts due scheduled campaigns and takes the lease of running
// campaigns nobody holds.
func (r *Runner) tick(ctx context.Context) error {
	now := db.Now()
	stale := now - r.tune.StaleAfter.Milliseconds()
	d := r.db
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
		now, r.nodeID)
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
		ok, err := r.takeLease(ctx, id)
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
		r.log.Info("campaign taken", "campaign", id, "node", r.nodeID)
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
func (r *Runner) takeLease(ctx context.Context, id string) (bool, error) {
	now := db.Now()
	res, err := r.db.ExecContext(ctx, `UPDATE mailing_campaigns SET lease_node = $2, lease_until = $3
		WHERE id = $1 AND status = 'running' AND (lease_node = $2 OR lease_until < $4)`,
		id, r.nodeID, now+r.tune.Lease.Milliseconds(), now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// renewLease extends the lease while the campaign still runs on this node;
// false means stop (paused, cancelled, or taken over).
func (r *Runner) renewLease(ctx context.Context, id string) (bool, error) {
	res, err := r.db.ExecContext(ctx, `UPDATE mailing_campaigns SET lease_until = $3
		WHERE id = $1 AND status = 'running' AND lease_node = $2`, id, r.nodeID, db.Now()+r.tune.Lease.Milliseconds())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (r *Runner) releaseLease(ctx context.Context, id string) {
	if _, err := r.db.ExecContext(ctx, `UPDATE mailing_campaigns SET lease_node = '', lease_until = 0
		WHERE id = $1 AND lease_node = $2`, id, r.nodeID); err != nil {
		r.log.Warn("campaign lease not released (it will expire)", "campaign", id, "err", err)
	}
}

// listen hears the other nodes: wake-ups and unsubscribes.
func (r *Runner) listen() {
	for r.ctx.Err() == nil {
		sub := r.events.kv.Subscribe(r.ctx, r.events.channel())
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
					r.events.unsub.add(rest)
				}
				r.events.wakeLocal()
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
