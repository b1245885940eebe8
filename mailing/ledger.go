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

// record writes outcomes to the ledger in small transactions, batched for
// up to FlushEvery (or 256 rows); the flight log (flightLog) is what
// bounds the repeats after a crash, so the ledger need not be written
// before each letter.
func (j *job) record(out <-chan outcome) {
	var batch []outcome
	t := time.NewTicker(j.r.tune.FlushEvery)
	defer t.Stop()
	flush := func() {
		if len(batch) == 0 {
			return
		}
		// The job's context may have ended (pause, shutdown): what was
		// sent must still be written, or it would be sent again.
		ctx := context.WithoutCancel(j.ctx)
		for attempt := 0; ; attempt++ {
			err := writeOutcomes(ctx, j.r.db, j.id, batch)
			if err == nil {
				break
			}
			j.r.log.Error("campaign outcomes not written; retrying", "campaign", j.id, "rows", len(batch), "err", err)
			if attempt >= 20 {
				// The database is gone; these rows stay pending and will be
				// resent with the same Message-ID after a restart.
				break
			}
			time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
		}
		j.suppressBlocked(ctx, batch)
		j.r.metrics.count(batch)
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

// IN lists of a few fixed sizes (padded with seq 0, which no row has)
// keep the statement texts few, so each is prepared once: SQLite spends
// more on parsing 256 fresh parameters than on the update, and binding
// costs per parameter, so a group commit of three marks uses the list of
// four, not of thirty-two.
var seqListSizes = []int{1, 4, 8, 32}

// seqStmt is a statement over "seq IN (…)" with room for n seqs after
// the lead parameters.
type seqStmt struct{ texts map[int]string }

func newSeqStmt(head string, lead int) seqStmt {
	st := seqStmt{texts: map[int]string{}}
	for _, n := range seqListSizes {
		ph := make([]string, n)
		for i := range ph {
			ph[i] = fmt.Sprintf("$%d", lead+1+i)
		}
		st.texts[n] = head + " AND seq IN (" + strings.Join(ph, ",") + ")"
	}
	return st
}

var (
	sentUpdate = newSeqStmt(`UPDATE mailing_recipients SET status = 'sent', attempts = attempts + 1, updated_at = $2, inflight = FALSE
		WHERE campaign_id = $1 AND status IN ('pending', 'skipped')`, 2)
	markUpdate = newSeqStmt(`UPDATE mailing_recipients SET inflight = TRUE WHERE campaign_id = $1 AND status = 'pending'`, 1)
)

// exec runs the statement over seqs with the leading arguments lead, in
// lists of the smallest size that holds what is left (at most the
// largest).
func (st seqStmt) exec(ctx context.Context, q db.Execer, lead []any, seqs []any) error {
	for len(seqs) > 0 {
		size := seqListSizes[len(seqListSizes)-1]
		for _, n := range seqListSizes {
			if n >= len(seqs) {
				size = n
				break
			}
		}
		n := min(len(seqs), size)
		args := make([]any, 0, size+len(lead))
		args = append(append(args, lead...), seqs[:n]...)
		for len(args) < size+len(lead) {
			args = append(args, int64(0))
		}
		if _, err := q.ExecContext(ctx, st.texts[size], args...); err != nil {
			return fmt.Errorf("mailing: ledger: %w", err)
		}
		seqs = seqs[n:]
	}
	return nil
}

// writeOutcomes applies a batch of outcomes in one transaction. Only pending rows change: an unsubscribe that skipped a
// row meanwhile, or a row already written, stays as it is. A confirmed
// resend (again) is written alone, so the campaign's resent count grows
// only by rows that really changed.
func writeOutcomes(ctx context.Context, d *db.DB, campaignID string, batch []outcome) error {
	now := db.Now()
	return d.Tx(ctx, func(tx *sql.Tx) error {
		var sent []any
		resent := 0
		for _, o := range batch {
			var res sql.Result
			var err error
			switch {
			case o.unmark:
				_, err = tx.ExecContext(ctx, `UPDATE mailing_recipients SET inflight = FALSE WHERE campaign_id = $1 AND seq = $2
					AND status = 'pending'`, campaignID, o.seq)
			case o.status == RecipientSent && o.providerID == "" && !o.again:
				sent = append(sent, o.seq)
				continue
			case o.status == RecipientSent:
				res, err = tx.ExecContext(ctx, `UPDATE mailing_recipients SET status = 'sent', attempts = attempts + 1, updated_at = $3,
					provider_id = $4, inflight = FALSE WHERE campaign_id = $1 AND seq = $2 AND status IN ('pending', 'skipped')`,
					campaignID, o.seq, now, o.providerID)
			case o.status == "":
				_, err = tx.ExecContext(ctx, `UPDATE mailing_recipients SET attempts = attempts + 1, reason = $3, updated_at = $4,
					status = CASE WHEN attempts + 1 >= $5 THEN 'failed' ELSE 'pending' END, inflight = FALSE
					WHERE campaign_id = $1 AND seq = $2 AND status = 'pending'`, campaignID, o.seq, o.reason, now, maxAttempts)
			default:
				_, err = tx.ExecContext(ctx, `UPDATE mailing_recipients SET status = $3, reason = $4, attempts = attempts + 1, updated_at = $5,
					inflight = FALSE WHERE campaign_id = $1 AND seq = $2 AND status = 'pending'`, campaignID, o.seq, o.status, o.reason, now)
			}
			if err != nil {
				return fmt.Errorf("mailing: ledger: %w", err)
			}
			if o.again && res != nil {
				if n, _ := res.RowsAffected(); n == 1 {
					resent++
				}
			}
		}
		q := d.Cached(tx)
		if err := sentUpdate.exec(ctx, q, []any{campaignID, now}, sent); err != nil {
			return err
		}
		if resent > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE mailing_campaigns SET resent = resent + $2 WHERE id = $1`, campaignID, resent); err != nil {
				return fmt.Errorf("mailing: ledger: %w", err)
			}
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
		if err := j.r.suppressions.suppress(ctx, access.System("mailing runner"), o.blocked.channel, o.blocked.address, "blocked", j.id, o.blockedUnitID); err != nil {
			j.r.log.Error("blocked recipient not suppressed", "campaign", j.id, "channel", o.blocked.channel, "err", err)
		}
	}
}
