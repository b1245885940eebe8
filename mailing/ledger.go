package mailing

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// maxAttempts is how many temporary refusals of one recipient (4xx on
// RCPT or DATA) a campaign tolerates before it marks the row failed.
const maxAttempts = 5

// record writes outcomes to the ledger in small transactions: confirmed
// sends are batched for up to FlushEvery (or a few hundred rows), which is
// the most a crash can make the runner send again.
func (j *job) record(out <-chan outcome) {
	var batch []outcome
	t := time.NewTicker(j.s.tune.FlushEvery)
	defer t.Stop()
	flush := func() {
		if len(batch) == 0 {
			return
		}
		// The job's context may have ended (pause, shutdown): what was
		// sent must still be written, or it would be sent again.
		ctx := context.WithoutCancel(j.ctx)
		for attempt := 0; ; attempt++ {
			err := j.s.writeOutcomes(ctx, j.id, batch)
			if err == nil {
				break
			}
			j.s.log.Error("campaign outcomes not written; retrying", "campaign", j.id, "rows", len(batch), "err", err)
			if attempt >= 20 {
				// The database is gone; these rows stay pending and will be
				// resent with the same Message-ID after a restart.
				break
			}
			time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
		}
		j.suppressBlocked(ctx, batch)
		j.s.metrics.count(batch)
		j.inflight.Add(-int64(len(batch)))
		batch = batch[:0]
	}
	for {
		select {
		case o, ok := <-out:
			if !ok {
				flush()
				return
			}
			batch = append(batch, o)
			if len(batch) >= 256 {
				flush()
			}
		case <-t.C:
			flush()
		}
	}
}

var sentUpdate = func() string {
	ph := make([]string, 32)
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", i+3)
	}
	return `UPDATE mailing_recipients SET status = 'sent', attempts = attempts + 1, updated_at = $2
		WHERE campaign_id = $1 AND status IN ('pending', 'skipped') AND seq IN (` + strings.Join(ph, ",") + `)`
}()

// writeOutcomes applies a batch of outcomes in one transaction. Only
// pending rows change: an unsubscribe that skipped a row meanwhile, or a
// row already written, stays as it is.
func (s *Service) writeOutcomes(ctx context.Context, campaignID string, batch []outcome) error {
	now := db.Now()
	return s.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var sent []any
		for _, o := range batch {
			var err error
			switch {
			case o.status == RecipientSent && o.providerID == "":
				sent = append(sent, o.seq)
				continue
			case o.status == RecipientSent:
				_, err = tx.ExecContext(ctx, `UPDATE mailing_recipients SET status = 'sent', attempts = attempts + 1, updated_at = $3,
					provider_id = $4 WHERE campaign_id = $1 AND seq = $2 AND status IN ('pending', 'skipped')`, campaignID, o.seq, now, o.providerID)
			case o.status == "":
				_, err = tx.ExecContext(ctx, `UPDATE mailing_recipients SET attempts = attempts + 1, reason = $3, updated_at = $4,
					status = CASE WHEN attempts + 1 >= $5 THEN 'failed' ELSE 'pending' END
					WHERE campaign_id = $1 AND seq = $2 AND status = 'pending'`, campaignID, o.seq, o.reason, now, maxAttempts)
			default:
				_, err = tx.ExecContext(ctx, `UPDATE mailing_recipients SET status = $3, reason = $4, attempts = attempts + 1, updated_at = $5
					WHERE campaign_id = $1 AND seq = $2 AND status = 'pending'`, campaignID, o.seq, o.status, o.reason, now)
			}
			if err != nil {
				return fmt.Errorf("mailing: ledger: %w", err)
			}
		}
		// Fixed-size IN lists (padded with seq 0, which no row has) keep
		// the statement text constant, so it is prepared once: SQLite
		// spends more on parsing 256 fresh parameters than on the update.
		const chunk = 32
		q := s.d.DB.Cached(tx)
		for len(sent) > 0 {
			n := min(len(sent), chunk)
			args := make([]any, 0, chunk+2)
			args = append(append(args, campaignID, now), sent[:n]...)
			for len(args) < chunk+2 {
				args = append(args, int64(0))
			}
			if _, err := q.ExecContext(ctx, sentUpdate, args...); err != nil {
				return fmt.Errorf("mailing: ledger: %w", err)
			}
			sent = sent[n:]
		}
		return nil
	})
}

// suppressBlocked suppresses the members who blocked a campaign's bot or
// community, after their own row was written as failed (suppressing
// first would mark that row skipped instead).
func (j *job) suppressBlocked(ctx context.Context, batch []outcome) {
	for _, o := range batch {
		if o.blocked == nil {
			continue
		}
		if err := j.s.suppress(ctx, access.System("mailing runner"), o.blocked.channel, o.blocked.address, "blocked", j.id, o.blockedUnitID); err != nil {
			j.s.log.Error("blocked recipient not suppressed", "campaign", j.id, "channel", o.blocked.channel, "err", err)
		}
	}
}
