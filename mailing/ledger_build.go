package mailing

// ledgerBuild is a campaign's ledger being written while the job already
// sends: the first letters go once the first chunk of the audience is
// committed, not after the whole of it (for a 254,000-letter campaign on
// SQLite the build was about a quarter of the campaign's time, with one
// core idle meanwhile).
type ledgerBuild struct {
	grew chan struct{} // a chunk was committed
	done chan struct{} // closed when the build has ended
}

// startLedgerBuild writes the ledger in the background; a build that
// fails for a reason other than the job stopping pauses the campaign, as
// a failed build before sending did.
func startLedgerBuild(j *job, c Campaign, running func(func())) *ledgerBuild {
	b := &ledgerBuild{grew: make(chan struct{}, 1), done: make(chan struct{})}
	running(func() {
		defer close(b.done)
		n, err := j.r.audience.buildLedger(j.ctx, c, func() {
			select {
			case b.grew <- struct{}{}:
			default:
			}
		})
		switch {
		case err == nil:
			j.r.log.Info("campaign ledger built", "campaign", j.id, "recipients", n)
		case j.ctx.Err() == nil:
			j.r.log.Error("campaign audience not built", "campaign", j.id, "err", err)
			j.selfPause("audience", err.Error())
		}
	})
	return b
}

// ended: nil is a ledger that was complete when the job began.
func (b *ledgerBuild) ended() bool {
	if b == nil {
		return true
	}
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

// waitGrowth returns once more rows may be there to claim: a chunk was
// committed, the build ended, or the job is stopping.
func (b *ledgerBuild) waitGrowth(j *job) {
	select {
	case <-b.grew:
	case <-b.done:
	case <-j.ctx.Done():
	}
}
