package mailing

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// job sends one campaign on this node while it holds the lease.
type job struct {
	r    *Runner
	id   string
	done chan struct{}

	ctx    context.Context // ends when the job must stop sending
	cancel context.CancelFunc
	pokeCh chan struct{}

	// leaseUntil is the local deadline of the lease (unix ms, minus a
	// safety margin): no send starts after it, so a node cut off from the
	// database cannot keep sending once another may have taken over.
	leaseUntil atomic.Int64
	// flight is the campaign's record of letters in flight (flightLog).
	flight *flightLog

	// inflight counts rows handed out and not yet written back: a new pass
	// over the ledger waits for it to reach zero, or it would claim a row
	// whose confirmed send is still on its way to the ledger.
	inflight atomic.Int64

	outage outage
}

// outage is when the servers began to fail with no success since.
type outage struct {
	sync.Mutex
	since   time.Time
	lastErr error
}

// reset: a server took or refused a message itself, so it works.
func (o *outage) reset() {
	o.Lock()
	o.since = time.Time{}
	o.Unlock()
}

func newJob(r *Runner, id string) *job {
	j := &job{r: r, id: id, done: make(chan struct{}), pokeCh: make(chan struct{}, 1)}
	j.ctx, j.cancel = context.WithCancel(r.ctx)
	j.leaseUntil.Store(db.Now() + r.tune.Lease.Milliseconds()*2/3)
	return j
}

func (j *job) halt() { j.cancel() }

// poke makes the job re-read its campaign's state now (pause, cancel).
func (j *job) poke() {
	select {
	case j.pokeCh <- struct{}{}:
	default:
	}
}

// mayStillSend reports whether a send may start. While the lease's
// renewal is only late (it waits for the database's writer behind the
// ledger's build, say) it waits for it rather than giving the letter up:
// a letter given up stays pending until the next pass, behind rows a
// killed run left marked in flight, which must go again first.
func (j *job) mayStillSend() bool {
	for j.ctx.Err() == nil {
		if db.Now() < j.leaseUntil.Load() {
			return true
		}
		j.sleep(5 * time.Millisecond)
	}
	return false
}

// item is one ledger row on its way to the server.
type item struct {
	seq      int64
	channel  string
	address  string
	vars     Vars
	attempts int
	// again: the row was marked in flight by an earlier run that did not
	// record the outcome, so this letter may already have gone once.
	again bool
}

// outcome is what happened to an item.
type outcome struct {
	seq    int64
	status string // sent, failed, skipped; "" for a temporary failure
	reason string
	// providerID is the provider's id of a sent Telegram or VK message: a
	// member's answer to it is matched to the campaign.
	providerID string
	// blocked asks for the address to be suppressed on its channel once
	// this outcome is written (the member blocked the bot or community).
	blocked       *item
	blockedUnitID string
	// again: a confirmed send of a row that may have gone before (see
	// item.again); counted as sent again after a restart.
	again bool
	// unmark: the row was marked in flight but its letter was never
	// handed to the server (the job stopped first); it stays pending.
	unmark bool
}

func (j *job) run() {
	defer close(j.done)
	r := j.r
	log := r.log.With("campaign", j.id)
	defer r.releaseLease(context.WithoutCancel(j.ctx), j.id)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); j.keepLease() }()
	defer func() { j.cancel(); wg.Wait() }()

	c, err := getCampaign(j.ctx, r.db, access.System("mailing"), j.id)
	if err != nil {
		log.Error("campaign unreadable", "err", err)
		return
	}
	var build *ledgerBuild
	if !j.built() {
		// The build ends before the lease is released (wg), so no other
		// node numbers rows while this one still writes them.
		build = startLedgerBuild(j, c, func(f func()) {
			wg.Add(1)
			go func() { defer wg.Done(); f() }()
		})
	}
	senders, err := r.openSenders(j.ctx, c)
	if err != nil {
		log.Error("campaign senders", "err", err)
		j.selfPause("configuration", err.Error())
		return
	}
	defer senders.close()
	if err := j.openFlightLog(); err != nil {
		if j.ctx.Err() == nil {
			log.Error("campaign flight log", "err", err)
			j.selfPause("flight_log", err.Error())
		}
		return
	}
	defer j.flight.close()
	j.send(c, senders, build)
}

// openFlightLog applies what a previous run left in the campaign's flight
// log and keeps it open for this run.
func (j *job) openFlightLog() error {
	l, err := j.r.flight.open(j.ctx, j.id)
	if err != nil {
		return err
	}
	sent, inFlight, err := j.r.flight.apply(j.ctx, j.id, l)
	if err != nil {
		l.close()
		return err
	}
	if sent+inFlight > 0 {
		j.r.log.Info("campaign flight log applied", "campaign", j.id, "sent", sent, "in_flight", inFlight)
	}
	j.flight = l
	return nil
}

func (j *job) built() bool {
	var b bool
	if err := j.r.db.QueryRowContext(j.ctx, `SELECT built FROM mailing_campaigns WHERE id = $1`, j.id).Scan(&b); err != nil {
		return false
	}
	return b
}

// keepLease renews the lease a few times per lease period and ends the job
// when the campaign is paused, cancelled or taken over.
func (j *job) keepLease() {
	t := time.NewTicker(j.r.tune.Lease / 4)
	defer t.Stop()
	for {
		select {
		case <-j.ctx.Done():
			return
		case <-t.C:
		case <-j.pokeCh:
		}
		start := db.Now()
		ok, err := j.r.renewLease(j.ctx, j.id)
		switch {
		case err != nil:
			if j.ctx.Err() == nil {
				j.r.log.Warn("campaign lease not renewed", "campaign", j.id, "err", err)
			}
		case !ok:
			j.cancel()
			return
		default:
			j.leaseUntil.Store(start + j.r.tune.Lease.Milliseconds()*2/3)
		}
	}
}

// send claims pending rows in order, hands them to the senders and
// records the outcomes; when a pass finds nothing left it waits for the
// ledger's build (when it is still being written), then starts over from
// the beginning for rows that failed temporarily, and finishes the
// campaign when no row is pending.
func (j *job) send(c Campaign, senders *senderSet, build *ledgerBuild) {
	r := j.r
	out := make(chan outcome, 4*r.tune.Batch)
	recDone := make(chan struct{})
	go func() { defer close(recDone); j.record(out) }()
	work := make(chan item, r.tune.Batch)
	var wg sync.WaitGroup
	senders.start(j, c, work, out, &wg)

	var cursor int64
	retryPass := false
	for j.ctx.Err() == nil {
		items, suppressed, err := j.claim(cursor)
		if err != nil {
			if j.ctx.Err() == nil {
				r.log.Error("campaign batch not claimed", "campaign", j.id, "err", err)
				j.sleep(time.Second)
			}
			continue
		}
		for _, o := range suppressed {
			j.inflight.Add(1)
			out <- o
		}
		if len(items) == 0 && len(suppressed) == 0 {
			if !build.ended() {
				build.waitGrowth(j)
				continue
			}
			if cursor == 0 {
				break // nothing pending at all
			}
			// End of a pass: wait for the sends in flight, then look again
			// from the start (rows that failed for now are still pending).
			for j.inflight.Load() > 0 && j.ctx.Err() == nil {
				j.sleep(5 * time.Millisecond)
			}
			cursor, retryPass = 0, true
			continue
		}
		if retryPass && cursor == 0 {
			j.sleep(r.tune.RetryBackoff) // rows that failed for now: give the server a moment
		}
		for _, it := range items {
			j.inflight.Add(1)
			select {
			case work <- it:
			case <-j.ctx.Done():
				j.inflight.Add(-1)
			}
			cursor = it.seq
		}
		if len(items) == 0 {
			cursor = suppressed[len(suppressed)-1].seq
		}
	}
	close(work)
	wg.Wait()
	close(out)
	<-recDone
	if j.ctx.Err() == nil {
		j.finish()
	}
}

func (j *job) sleep(d time.Duration) {
	select {
	case <-j.ctx.Done():
	case <-time.After(d):
	}
}

// claim reads the next batch of pending rows after cursor. Rows whose
// address is on the suppression list come back as skipped outcomes.
func (j *job) claim(cursor int64) ([]item, []outcome, error) {
	rows, err := j.r.db.QueryContext(j.ctx, `SELECT r.seq, r.channel, r.address, r.vars, r.attempts, r.inflight, COALESCE(s.reason, '')
		FROM mailing_recipients r LEFT JOIN mailing_suppressions s ON s.channel = r.channel AND s.address = r.address
		WHERE r.campaign_id = $1 AND r.status = 'pending' AND r.seq > $2 ORDER BY r.seq LIMIT $3`, j.id, cursor, j.r.tune.Batch)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var items []item
	var skipped []outcome
	for rows.Next() {
		var it item
		var vars, suppressed string
		if err := rows.Scan(&it.seq, &it.channel, &it.address, &vars, &it.attempts, &it.again, &suppressed); err != nil {
			return nil, nil, err
		}
		if suppressed != "" {
			skipped = append(skipped, outcome{seq: it.seq, status: RecipientSkipped, reason: "suppressed: " + suppressed})
			continue
		}
		if err := json.Unmarshal([]byte(vars), &it.vars); err != nil {
			skipped = append(skipped, outcome{seq: it.seq, status: RecipientFailed, reason: "bad ledger row"})
			continue
		}
		items = append(items, it)
	}
	return items, skipped, rows.Err()
}

// finish marks the campaign finished if, and only if, no row is pending.
func (j *job) finish() {
	now := db.Now()
	res, err := j.r.db.ExecContext(j.ctx, `UPDATE mailing_campaigns SET status = 'finished', finished_at = $2, updated_at = $2
		WHERE id = $1 AND status = 'running' AND built = TRUE AND NOT EXISTS
		(SELECT 1 FROM mailing_recipients WHERE campaign_id = $1 AND status = 'pending')`, j.id, now)
	if err != nil {
		j.r.log.Error("campaign not finished", "campaign", j.id, "err", err)
		return
	}
	if n, _ := res.RowsAffected(); n == 1 {
		j.r.log.Info("campaign finished", "campaign", j.id)
		j.r.flight.remove(j.ctx, j.id)
		j.r.tellEnded(j.ctx, j.id)
	}
}

// tellEnded passes a campaign's end to Deps.Ended; the job's context
// may be ending with it.
func (r *Runner) tellEnded(ctx context.Context, id string) {
	if r.ended != nil {
		r.ended(context.WithoutCancel(ctx), id)
	}
}

// selfPause stops a campaign that cannot go on by itself (its SMTP
// servers are down beyond the retry budget, its settings are broken) and
// leaves an alert for the people who run it; resuming sends only the
// rows still pending.
func (j *job) selfPause(reason, alert string) {
	ctx := context.WithoutCancel(j.ctx)
	paused := false
	err := j.r.db.Tx(ctx, func(tx *sql.Tx) error {
		paused = false // a retried transaction starts again
		var unit string
		if err := tx.QueryRowContext(ctx, `SELECT unit_id FROM mailing_campaigns WHERE id = $1`, j.id).Scan(&unit); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE mailing_campaigns SET status = 'paused', pause_reason = $2, alert = $3, updated_at = $4
			WHERE id = $1 AND status = 'running'`, j.id, reason, alert, db.Now())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		paused = true
		return audit.Record(ctx, tx, access.System("mailing runner"), audit.Entry{Action: "mailing.campaign.self_pause",
			ObjectType: "campaign", ObjectID: j.id, UnitID: unit, Details: map[string]any{"reason": reason, "alert": alert}})
	})
	if err != nil {
		j.r.log.Error("campaign not paused", "campaign", j.id, "err", err)
	} else if paused {
		j.r.tellEnded(j.ctx, j.id)
	}
	j.r.log.Error("campaign paused itself", "campaign", j.id, "reason", reason, "alert", alert)
	j.r.metrics.alerts.Inc()
	j.cancel()
}

// failing notes a send that failed for reasons of the server, not of the
// recipient; it pauses the campaign once failures have lasted beyond the
// retry budget with no success between.
func (j *job) failing(err error) {
	j.outage.Lock()
	if j.outage.since.IsZero() {
		j.outage.since = time.Now()
	}
	j.outage.lastErr = err
	over := time.Since(j.outage.since) > j.r.tune.RetryBudget
	since := j.outage.since
	j.outage.Unlock()
	if over {
		j.selfPause("smtp_outage", fmt.Sprintf("the SMTP servers (or the SMS gateway, Telegram, VK) have been failing since %s: %v",
			since.UTC().Format(time.RFC3339), err))
	}
}
