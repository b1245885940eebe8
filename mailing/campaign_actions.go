package mailing

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// CampaignActions move campaigns through their lives: start (now or at
// a time), pause, resume, confirm a stale schedule, cancel. Each wakes
// the runners, which act on the new state.
type CampaignActions struct {
	db        *db.DB
	campaigns *Campaigns
	events    *events
	tokens    tokens // the public address campaign links need
}

// ErrNoBaseURL refuses to start a campaign while the hub does not know
// its public address: the letters' unsubscribe links, pictures and
// tracked links would have no host.
var ErrNoBaseURL = valid.Refuse(db.ErrConflict, "base_url_missing",
	"the hub's public address is not set: set PROFHUB_BASE_URL (or --base-url), e.g. https://hub.example.org, and restart profhub")

// change moves a campaign from one of the from states, checking scope and
// state in the same transaction as the update and its audit row.
func (s *CampaignActions) change(ctx context.Context, sc access.Scope, id, action string, from []Status,
	apply func(tx *sql.Tx, c Campaign, now int64) error) (Campaign, error) {
	if err := requireSend(sc); err != nil {
		return Campaign{}, err
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
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
	s.events.wake()
	return s.campaigns.GetCampaign(ctx, sc, id)
}

// Start sends a draft now (at is zero or past) or schedules it for at.
func (s *CampaignActions) Start(ctx context.Context, sc access.Scope, id string, at time.Time) (Campaign, error) {
	return s.change(ctx, sc, id, "start", []Status{StatusDraft}, func(tx *sql.Tx, c Campaign, now int64) error {
		if s.tokens.baseURL() == "" {
			return ErrNoBaseURL
		}
		if err := c.CampaignInput.normalize(); err != nil {
			return err
		}
		if err := s.campaigns.checkRefs(ctx, tx, sc, c.CampaignInput); err != nil {
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
func (s *CampaignActions) Pause(ctx context.Context, sc access.Scope, id string) (Campaign, error) {
	return s.change(ctx, sc, id, "pause", []Status{StatusRunning, StatusScheduled}, func(tx *sql.Tx, c Campaign, now int64) error {
		_, err := tx.ExecContext(ctx, `UPDATE mailing_campaigns SET status=$2, pause_reason=$3, updated_at=$4 WHERE id=$1`,
			id, string(StatusPaused), "paused by "+sc.UserName, now)
		return err
	})
}

// Resume continues a paused campaign with the recipients still pending.
func (s *CampaignActions) Resume(ctx context.Context, sc access.Scope, id string) (Campaign, error) {
	return s.change(ctx, sc, id, "resume", []Status{StatusPaused}, func(tx *sql.Tx, c Campaign, now int64) error {
		_, err := tx.ExecContext(ctx, `UPDATE mailing_campaigns SET status=$2, pause_reason='', alert='', needs_confirm=FALSE,
			scheduled_at=0, updated_at=$3 WHERE id=$1`, id, string(StatusRunning), now)
		return err
	})
}

// Confirm starts a scheduled campaign whose time passed so long ago (a
// restored backup, a long outage) that it waited for a person.
func (s *CampaignActions) Confirm(ctx context.Context, sc access.Scope, id string) (Campaign, error) {
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
func (s *CampaignActions) Cancel(ctx context.Context, sc access.Scope, id string) (Campaign, error) {
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
