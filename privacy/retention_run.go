package privacy

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/pdata"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// RunReport is what one day's retention run did, by kind.
type RunReport struct {
	Day        string           `json:"day"`
	Node       string           `json:"node"`
	StartedAt  time.Time        `json:"started_at"`
	FinishedAt time.Time        `json:"finished_at,omitzero"`
	Done       map[string]int64 `json:"done"`
	Files      int              `json:"files"`
	Error      string           `json:"error,omitempty"`
}

// RunRetention runs the day's retention once across all nodes: the node
// that records the day's row runs it, the others find it there and do
// nothing (ran false). Each kind with a period has what expired
// anonymised or deleted by its holders; holds are never touched.
func (s *Service) RunRetention(ctx context.Context) (rep RunReport, ran bool, err error) {
	now := s.now()
	rep = RunReport{Day: now.In(s.zone).Format("2006-01-02"), Node: s.node, StartedAt: now, Done: map[string]int64{}}
	periods, err := s.periods(ctx)
	if err != nil || len(periods) == 0 {
		return rep, false, err // nothing to expire: no run recorded
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO privacy_runs (day, node, started_at) VALUES ($1, $2, $3) ON CONFLICT (day) DO NOTHING`,
		rep.Day, s.node, now.UnixMilli())
	if err != nil {
		return rep, false, fmt.Errorf("privacy: retention run: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return rep, false, nil
	}
	runErr := s.expireAll(ctx, now, periods, &rep)
	if runErr != nil {
		rep.Error = runErr.Error()
	}
	rep.FinishedAt = s.now()
	body, _ := json.Marshal(rep)
	if _, err := s.db.ExecContext(ctx, `UPDATE privacy_runs SET finished_at = $2, report = $3 WHERE day = $1`,
		rep.Day, rep.FinishedAt.UnixMilli(), string(body)); err != nil {
		return rep, true, fmt.Errorf("privacy: retention run: %w", err)
	}
	if err := audit.Record(ctx, s.db, access.Scope{UnitID: s.rootUnit(ctx)}, audit.Entry{Action: "privacy.retention_run", ObjectType: "retention",
		ObjectID: rep.Day, Details: map[string]any{"done": rep.Done, "files": rep.Files, "error": rep.Error}}); err != nil {
		s.log.Warn("privacy: could not record the retention run", "err", err)
	}
	s.log.Info("retention run", "day", rep.Day, "done", rep.Done, "files", rep.Files)
	return rep, true, runErr
}

// periods are the kinds with a period set, in days.
func (s *Service) periods(ctx context.Context) (map[string]int, error) {
	periods := map[string]int{}
	rows, err := s.db.QueryContext(ctx, `SELECT kind, days FROM privacy_retention WHERE days > 0`)
	if err != nil {
		return nil, fmt.Errorf("privacy: retention: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var d int
		if err := rows.Scan(&k, &d); err != nil {
			return nil, fmt.Errorf("privacy: retention: %w", err)
		}
		periods[k] = max(d, MinDays[k]) // a period set before a minimum rose
	}
	return periods, rows.Err()
}

func (s *Service) expireAll(ctx context.Context, now time.Time, periods map[string]int, rep *RunReport) error {
	for _, kind := range RetentionKinds {
		days, ok := periods[kind]
		if !ok {
			continue
		}
		x := &pdata.Expiry{Kind: kind, Before: now.AddDate(0, 0, -days).UnixMilli()}
		if kind == pdata.AuditRows {
			// The engine's trigger refuses rows younger than a year.
			res, err := s.db.ExecContext(ctx, `DELETE FROM audit_log WHERE at < $1`, x.Before)
			if err != nil {
				return fmt.Errorf("audit rows: %w", err)
			}
			x.Done, _ = res.RowsAffected()
		} else if err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			for _, h := range s.registered() {
				if e, ok := h.(pdata.Expirer); ok {
					if err := e.Expire(ctx, tx, x); err != nil {
						return err
					}
				}
			}
			return nil
		}); err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
		seen := map[string]bool{}
		for _, k := range x.Blobs {
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			if err := s.blobs.Delete(ctx, k); err != nil && !errors.Is(err, blob.ErrNotFound) {
				return fmt.Errorf("%s: delete file: %w", kind, err)
			}
			rep.Files++
		}
		rep.Done[kind] = x.Done
	}
	return nil
}

// Runs are the latest retention runs' reports, newest first.
func (s *Service) Runs(ctx context.Context, sc access.Scope) ([]RunReport, error) {
	if err := sc.Require(access.ManageSettings); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT day, node, started_at, report FROM privacy_runs ORDER BY day DESC LIMIT 30`)
	if err != nil {
		return nil, fmt.Errorf("privacy: runs: %w", err)
	}
	defer rows.Close()
	out := []RunReport{}
	for rows.Next() {
		var r RunReport
		var at int64
		var body string
		if err := rows.Scan(&r.Day, &r.Node, &at, &body); err != nil {
			return nil, fmt.Errorf("privacy: runs: %w", err)
		}
		_ = json.Unmarshal([]byte(body), &r)
		r.StartedAt = db.Time(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// rootUnit is the tree's root, the unit of the job's own audit row.
func (s *Service) rootUnit(ctx context.Context) string {
	var id string
	_ = s.db.QueryRowContext(ctx, `SELECT id FROM units WHERE parent_id IS NULL ORDER BY path LIMIT 1`).Scan(&id)
	return id
}

// Run runs the retention job every hour until ctx ends; the day's first
// run on any node does the work.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if _, _, err := s.RunRetention(ctx); err != nil && !errors.Is(err, context.Canceled) {
			s.log.Error("retention run failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
