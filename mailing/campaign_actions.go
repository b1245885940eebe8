package mailing

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// change moves a campaign from one of the from states, checking scope and
// state in the same transaction as the update and its audit row.
func (s *Service) change(ctx context.Context, sc access.Scope, id, action string, from []Status,
	apply func(tx *sql.Tx, c Campaign, now int64) error) (Campaign, error) {
	if err := requireSend(sc); err != nil {
		return Campaign{}, err
	}
	err := s.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		c, err := getCampaign(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if !slices.Contains(from, c.Status) {
			return ErrWrongState
		}
		if err := apply(tx, c, db.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "mailing.campaign." + action, ObjectType: "campaign", ObjectID: id,
			UnitID: c.UnitID, Details: map[string]any{"from": c.Status}})
	})
	if err != nil {
		return Campaign{}, err
	}
	s.runner.wake()
	return s.GetCampaign(ctx, sc, id)
}

// Start sends a draft now (at is zero or past) or schedules it for at.
func (s *Service) Start(ctx context.Context, sc access.Scope, id string, at time.Time) (Campaign, error) {
	return s.change(ctx, sc, id, "start", []Status{StatusDraft}, func(tx *sql.Tx, c Campaign, now int64) error {
		if err := c.CampaignInput.normalize(); err != nil {
			return err
		}
		if err := s.checkRefs(ctx, tx, sc, c.CampaignInput); err != nil {
			return err
		}
		status, sched := StatusRunning, int64(0)
		if !at.IsZero() && at.UnixMilli() > now {
			status, sched = StatusScheduled, at.UnixMilli()
		}
		_, err := tx.ExecContext(ctx, `UPDATE mailing_campaigns SET status=$2, scheduled_at=$3, updated_at=$4 WHERE id=$1`,
			id, string(status), sched, now)
		return err
	})
}

// Pause stops sending after the messages in flight; nothing is lost.
func (s *Service) Pause(ctx context.Context, sc access.Scope, id string) (Campaign, error) {
	return s.change(ctx, sc, id, "pause", []Status{StatusRunning, StatusScheduled}, func(tx *sql.Tx, c Campaign, now int64) error {
		_, err := tx.ExecContext(ctx, `UPDATE mailing_campaigns SET status=$2, pause_reason=$3, updated_at=$4 WHERE id=$1`,
			id, string(StatusPaused), "paused by "+sc.UserName, now)
		return err
	})
}

// Resume continues a paused campaign with the recipients still pending.
func (s *Service) Resume(ctx context.Context, sc access.Scope, id string) (Campaign, error) {
	return s.change(ctx, sc, id, "resume", []Status{StatusPaused}, func(tx *sql.Tx, c Campaign, now int64) error {
		_, err := tx.ExecContext(ctx, `UPDATE mailing_campaigns SET status=$2, pause_reason='', alert='', needs_confirm=FALSE,
			scheduled_at=0, updated_at=$3 WHERE id=$1`, id, string(StatusRunning), now)
		return err
	})
}

// Confirm starts a scheduled campaign whose time passed so long ago (a
// restored backup, a long outage) that it waited for a person.
func (s *Service) Confirm(ctx context.Context, sc access.Scope, id string) (Campaign, error) {
	return s.change(ctx, sc, id, "confirm", []Status{StatusScheduled}, func(tx *sql.Tx, c Campaign, now int64) error {
		if !c.NeedsConfirm {
			return ErrWrongState
		}
		_, err := tx.ExecContext(ctx, `UPDATE mailing_campaigns SET status=$2, needs_confirm=FALSE, updated_at=$3 WHERE id=$1`,
			id, string(StatusRunning), now)
		return err
	})
}

// Cancel ends a campaign for good; recipients not yet sent are skipped.
func (s *Service) Cancel(ctx context.Context, sc access.Scope, id string) (Campaign, error) {
	return s.change(ctx, sc, id, "cancel", []Status{StatusDraft, StatusScheduled, StatusRunning, StatusPaused},
		func(tx *sql.Tx, c Campaign, now int64) error {
			if _, err := tx.ExecContext(ctx, `UPDATE mailing_campaigns SET status=$2, finished_at=$3, updated_at=$3 WHERE id=$1`,
				id, string(StatusCancelled), now); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE mailing_recipients SET status='skipped', reason='campaign cancelled', updated_at=$2
				WHERE campaign_id=$1 AND status='pending'`, id, now)
			return err
		})
}

// Stats counts a campaign's ledger by channel and state.
type Stats struct {
	Total     int                       `json:"total"`
	Pending   int                       `json:"pending"`
	ByChannel map[string]map[string]int `json:"by_channel"` // channel → state → count
	// Opened and Clicked count recipients who opened an e-mail or clicked
	// one of its links (only while tracking is on).
	Opened  int `json:"opened"`
	Clicked int `json:"clicked"`
	// Resent counts letters sent a second time after the runner was
	// killed or lost its database between a send and its record: each
	// copy carries the first one's Message-ID. At most one per SMTP
	// connection per crash.
	Resent int `json:"resent"`
}

// CampaignStats reads the ledger of a campaign in sc's subtree.
func (s *Service) CampaignStats(ctx context.Context, sc access.Scope, id string) (Stats, error) {
	if _, err := s.GetCampaign(ctx, sc, id); err != nil {
		return Stats{}, err
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT channel, status, COUNT(*) FROM mailing_recipients WHERE campaign_id = $1
		GROUP BY channel, status`, id)
	if err != nil {
		return Stats{}, fmt.Errorf("mailing: stats: %w", err)
	}
	defer rows.Close()
	st := Stats{ByChannel: map[string]map[string]int{}}
	for rows.Next() {
		var ch, status string
		var n int
		if err := rows.Scan(&ch, &status, &n); err != nil {
			return Stats{}, err
		}
		if st.ByChannel[ch] == nil {
			st.ByChannel[ch] = map[string]int{}
		}
		st.ByChannel[ch][status] = n
		st.Total += n
		if status == RecipientPending {
			st.Pending += n
		}
	}
	if err := rows.Err(); err != nil {
		return Stats{}, err
	}
	err = s.d.DB.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN opened_at > 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN clicks > 0 THEN 1 ELSE 0 END), 0) FROM mailing_recipients WHERE campaign_id = $1`, id).Scan(&st.Opened, &st.Clicked)
	if err != nil {
		return Stats{}, err
	}
	err = s.d.DB.QueryRowContext(ctx, `SELECT resent FROM mailing_campaigns WHERE id = $1`, id).Scan(&st.Resent)
	return st, err
}
