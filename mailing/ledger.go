package mailing

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// maxAttempts is how many temporary refusals of one recipient (4xx on
// RCPT or DATA) a campaign tolerates before it marks the row failed.
const maxAttempts = 5

// mark asks the ledger to record, durably, that seq's letter is about to
// go on a connection, together with that connection's previous outcome
// (nil: none). The letter is sent only after done says the commit
// succeeded: so after a kill -9 at most the one letter per connection that
// was between its mark and its outcome may have gone unrecorded, and a
// restart knows which (its row is still marked) and sends it again with
// the same Message-ID.
type mark struct {
	seq  int64
	prev *outcome
	done chan error
}

// record writes outcomes to the ledger in small transactions. Outcomes
// alone are batched for up to FlushEvery (or 256 rows); a mark is
// written at once, with everything else that is waiting, so the
// connections share one commit (a group commit) instead of one each.
func (j *job) record(out <-chan outcome, marks <-chan mark) {
	var batch []outcome
	var waiting []mark
	t := time.NewTicker(j.s.tune.FlushEvery)
	defer t.Stop()
	flush := func() {
		if len(batch) == 0 && len(waiting) == 0 {
			return
		}
		// The job's context may have ended (pause, shutdown): what was
		// sent must still be written, or it would be sent again.
		ctx := context.WithoutCancel(j.ctx)
		var err error
		for attempt := 0; ; attempt++ {
			err = j.s.writeOutcomes(ctx, j.id, batch, waiting)
			if err == nil {
				break
			}
			j.s.log.Error("campaign outcomes not written; retrying", "campaign", j.id, "rows", len(batch), "marks", len(waiting), "err", err)
			if attempt >= 20 {
				// The database is gone; these rows stay pending and will be
				// resent with the same Message-ID after a restart.
				break
			}
			time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
		}
		for _, m := range waiting {
			m.done <- err
		}
		j.suppressBlocked(ctx, batch)
		j.s.metrics.count(batch)
		j.inflight.Add(-int64(len(batch)))
		batch, waiting = batch[:0], waiting[:0]
	}
	take := func(m mark) {
		waiting = append(waiting, m)
		if m.prev != nil {
			batch = append(batch, *m.prev)
		}
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
		case m := <-marks:
			take(m)
			// Whatever else is already waiting goes into the same commit;
			// a yield first lets the connections that are just reading
			// their server's answer add their marks (fewer, larger commits).
			runtime.Gosched()
		drain:
			for {
				select {
				case m := <-marks:
					take(m)
				case o, ok := <-out:
					if !ok {
						flush()
						return
					}
					batch = append(batch, o)
				default:
					break drain
				}
			}
			flush()
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

// writeOutcomes applies a batch of outcomes and marks in one
// transaction. Only pending rows change: an unsubscribe that skipped a
// row meanwhile, or a row already written, stays as it is. A confirmed
// resend (again) is written alone, so the campaign's resent count grows
// only by rows that really changed.
func (s *Service) writeOutcomes(ctx context.Context, campaignID string, batch []outcome, marks []mark) error {
	now := db.Now()
	if len(marks) > 0 && s.d.DB.Dialect == db.Postgres && plainSends(batch) {
		return s.writeMarksPostgres(ctx, campaignID, now, batch, marks)
	}
	return s.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if len(marks) > 0 && s.d.DB.Dialect == db.Postgres {
			// Every connection waits for this commit before its next letter,
			// so it must not wait for the WAL flush (milliseconds, far more
			// on a busy disk). The guard is against the hub being killed, not
			// PostgreSQL: the server keeps an unflushed commit when a client
			// dies, as SQLite's WAL with synchronous=NORMAL keeps it in the
			// page cache. Only a crash of the database server itself could
			// lose the last marks; then those letters go again, as before.
			if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit TO OFF`); err != nil {
				return fmt.Errorf("mailing: ledger: %w", err)
			}
		}
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
		q := s.d.DB.Cached(tx)
		if err := sentUpdate.exec(ctx, q, []any{campaignID, now}, sent); err != nil {
			return err
		}
		if len(marks) > 0 {
			seqs := make([]any, len(marks))
			for i, m := range marks {
				seqs[i] = m.seq
			}
			if err := markUpdate.exec(ctx, q, []any{campaignID}, seqs); err != nil {
				return err
			}
		}
		if resent > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE mailing_campaigns SET resent = resent + $2 WHERE id = $1`, campaignID, resent); err != nil {
				return fmt.Errorf("mailing: ledger: %w", err)
			}
		}
		return nil
	})
}

// plainSends reports whether every outcome is an ordinary confirmed send.
func plainSends(batch []outcome) bool {
	for _, o := range batch {
		if o.status != RecipientSent || o.providerID != "" || o.again || o.unmark {
			return false
		}
	}
	return true
}

// markStmtPostgres writes confirmed sends and new marks in one statement,
// one round trip instead of five (BEGIN, SET, two UPDATEs, COMMIT): every
// SMTP connection waits for it before its next letter. set_config(…,
// true) makes this statement's own transaction commit without waiting
// for the WAL flush (see the comment in writeOutcomes).
const markStmtPostgres = `WITH sent AS (
	UPDATE mailing_recipients SET status = 'sent', attempts = attempts + 1, updated_at = $2, inflight = FALSE
	WHERE campaign_id = $1 AND status IN ('pending', 'skipped') AND seq = ANY($3)),
marked AS (
	UPDATE mailing_recipients SET inflight = TRUE WHERE campaign_id = $1 AND status = 'pending' AND seq = ANY($4))
SELECT set_config('synchronous_commit', 'off', true)`

func (s *Service) writeMarksPostgres(ctx context.Context, campaignID string, now int64, batch []outcome, marks []mark) error {
	sent := make([]int64, 0, len(batch))
	for _, o := range batch {
		sent = append(sent, o.seq)
	}
	seqs := make([]int64, 0, len(marks))
	for _, m := range marks {
		seqs = append(seqs, m.seq)
	}
	if _, err := s.d.DB.ExecContext(ctx, markStmtPostgres, campaignID, now, sent, seqs); err != nil {
		return fmt.Errorf("mailing: ledger: %w", err)
	}
	return nil
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
