package mailing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

const campaignColumns = `c.id, c.unit_id, c.owner_id, c.name, c.kind, c.status, c.channels, c.segment, c.content, c.accounts, c.sms_gateway, c.messengers,
	c.scheduled_at, c.needs_confirm, c.pause_reason, c.alert, c.total, c.created_at, c.updated_at, c.started_at, c.finished_at`

// Campaigns keep the campaigns: drafts made and edited, read and listed
// under the caller's scope, and the figures of their ledgers. What moves
// a campaign between states is CampaignActions'.
type Campaigns struct {
	db         *db.DB
	accounts   *Accounts
	messengers *Messengers
	filters    savedFilters
	vars       *EditorVars
}

// savedFilters is what campaigns need of the CRM's saved member filters
// (crm.SavedFilters): one by id, as the caller may open it, so a segment
// cannot name another unit's filter.
type savedFilters interface {
	SavedFilter(ctx context.Context, sc access.Scope, id string) (crm.MemberFilter, error)
}

// campaignFrom joins the unit so a scope becomes a path range.
const campaignFrom = ` FROM mailing_campaigns c JOIN units u ON u.id = c.unit_id`

func msTime(ms int64) *time.Time {
	if ms == 0 {
		return nil
	}
	t := db.Time(ms)
	return &t
}

func scanCampaign(row interface{ Scan(...any) error }) (Campaign, error) {
	var c Campaign
	var channels, segment, content, accounts, messengers string
	var sched, created, updated, started, finished int64
	err := row.Scan(&c.ID, &c.UnitID, &c.OwnerID, &c.Name, &c.Kind, &c.Status, &channels, &segment, &content, &accounts, &c.SMSGate,
		&messengers, &sched, &c.NeedsConfirm, &c.PauseReason, &c.Alert, &c.Total, &created, &updated, &started, &finished)
	if err != nil {
		return c, err
	}
	for _, j := range []struct {
		s string
		v any
	}{{channels, &c.Channels}, {segment, &c.Segments}, {content, &c.Content}, {accounts, &c.Accounts}, {messengers, &c.Messengers}} {
		if err := json.Unmarshal([]byte(j.s), j.v); err != nil {
			return c, fmt.Errorf("mailing: campaign %s: %w", c.ID, err)
		}
	}
	c.ScheduledAt, c.StartedAt, c.FinishedAt = msTime(sched), msTime(started), msTime(finished)
	c.CreatedAt, c.UpdatedAt = db.Time(created), db.Time(updated)
	return c, nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own plain types are marshalled here
	}
	return string(b)
}

// CreateCampaign stores a draft in the caller's home unit.
func (s *Campaigns) CreateCampaign(ctx context.Context, sc access.Scope, in CampaignInput) (Campaign, error) {
	if err := requireSend(sc); err != nil {
		return Campaign{}, err
	}
	if err := s.vars.resolve(ctx, sc, &in.Content); err != nil {
		return Campaign{}, err
	}
	if err := in.normalize(); err != nil {
		return Campaign{}, err
	}
	id := uuid.Must(uuid.NewV7()).String()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.checkRefs(ctx, tx, sc, in); err != nil {
			return err
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO mailing_campaigns (id, unit_id, owner_id, owner_role, name, kind, status,
			channels, segment, content, accounts, created_at, updated_at, sms_gateway, messengers) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$12,$13,$14)`,
			id, sc.UnitID, sc.UserID, string(sc.Role), in.Name, string(in.Kind), string(StatusDraft), mustJSON(in.Channels),
			mustJSON(in.Segments), mustJSON(in.Content), mustJSON(in.Accounts), now, in.SMSGate, mustJSON(in.Messengers)); err != nil {
			return fmt.Errorf("mailing: create campaign: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "mailing.campaign.create", ObjectType: "campaign", ObjectID: id,
			Details: map[string]any{"name": in.Name, "kind": in.Kind, "channels": in.Channels}})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.GetCampaign(ctx, sc, id)
}

// checkRefs makes sure the lists, saved filters and SMTP accounts a
// campaign names are visible to the caller.
func (s *Campaigns) checkRefs(ctx context.Context, q db.Execer, sc access.Scope, in CampaignInput) error {
	lo, hi := sc.PathRange()
	for _, sg := range in.Segments {
		if sg.ListID == "" {
			continue
		}
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM mailing_lists l JOIN units u ON u.id = l.unit_id
			WHERE l.id = $1 AND u.path >= $2 AND u.path < $3`, sg.ListID, lo, hi).Scan(&n); err != nil {
			return fmt.Errorf("mailing: list: %w", err)
		}
		if n == 0 {
			return fmt.Errorf("mailing: list %s: %w", sg.ListID, db.ErrNotFound)
		}
	}
	for _, sg := range in.Segments {
		if sg.SavedFilterID == "" {
			continue
		}
		if _, err := s.filters.SavedFilter(ctx, sc, sg.SavedFilterID); err != nil {
			return fmt.Errorf("mailing: saved filter %s: %w", sg.SavedFilterID, err)
		}
	}
	for _, id := range in.Accounts {
		if _, err := s.accounts.getAccount(ctx, q, sc, id); err != nil {
			return err
		}
	}
	for kind, id := range in.Messengers {
		if err := s.messengers.check(ctx, kind, id); err != nil {
			return err
		}
	}
	return nil
}

// GetCampaign returns a campaign in sc's subtree.
func (s *Campaigns) GetCampaign(ctx context.Context, sc access.Scope, id string) (Campaign, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return Campaign{}, err
	}
	return getCampaign(ctx, s.db, sc, id)
}

func getCampaign(ctx context.Context, q db.Execer, sc access.Scope, id string) (Campaign, error) {
	lo, hi := sc.PathRange()
	c, err := scanCampaign(q.QueryRowContext(ctx, `SELECT `+campaignColumns+campaignFrom+
		` WHERE c.id = $1 AND u.path >= $2 AND u.path < $3`, id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return Campaign{}, fmt.Errorf("mailing: campaign %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return Campaign{}, fmt.Errorf("mailing: campaign: %w", err)
	}
	return c, nil
}

// ListCampaigns returns the campaigns of sc's subtree, newest first.
func (s *Campaigns) ListCampaigns(ctx context.Context, sc access.Scope, limit, offset int) ([]Campaign, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	lo, hi := sc.PathRange()
	rows, err := s.db.QueryContext(ctx, `SELECT `+campaignColumns+campaignFrom+
		` WHERE u.path >= $1 AND u.path < $2 ORDER BY c.created_at DESC, c.id DESC LIMIT $3 OFFSET $4`, lo, hi, limit, max(offset, 0))
	if err != nil {
		return nil, fmt.Errorf("mailing: campaigns: %w", err)
	}
	defer rows.Close()
	out := []Campaign{}
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UpdateCampaign replaces a draft's settings and content; a campaign
// that has started keeps its audience and content.
func (s *Campaigns) UpdateCampaign(ctx context.Context, sc access.Scope, id string, in CampaignInput) (Campaign, error) {
	if err := requireSend(sc); err != nil {
		return Campaign{}, err
	}
	if err := s.vars.resolve(ctx, sc, &in.Content); err != nil {
		return Campaign{}, err
	}
	if err := in.normalize(); err != nil {
		return Campaign{}, err
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		c, err := getCampaign(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if c.Status != StatusDraft {
			return ErrWrongState
		}
		if err := s.checkRefs(ctx, tx, sc, in); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mailing_campaigns SET name=$2, kind=$3, channels=$4, segment=$5, content=$6,
			accounts=$7, updated_at=$8, sms_gateway=$9, messengers=$10 WHERE id=$1`, id, in.Name, string(in.Kind), mustJSON(in.Channels), mustJSON(in.Segments),
			mustJSON(in.Content), mustJSON(in.Accounts), db.Now(), in.SMSGate, mustJSON(in.Messengers)); err != nil {
			return fmt.Errorf("mailing: update campaign: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "mailing.campaign.update", ObjectType: "campaign", ObjectID: id, UnitID: c.UnitID})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.GetCampaign(ctx, sc, id)
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

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
func (s *Campaigns) CampaignStats(ctx context.Context, sc access.Scope, id string) (Stats, error) {
	if _, err := s.GetCampaign(ctx, sc, id); err != nil {
		return Stats{}, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT channel, status, COUNT(*) FROM mailing_recipients WHERE campaign_id = $1
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
	err = s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN opened_at > 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN clicks > 0 THEN 1 ELSE 0 END), 0) FROM mailing_recipients WHERE campaign_id = $1`, id).Scan(&st.Opened, &st.Clicked)
	if err != nil {
		return Stats{}, err
	}
	err = s.db.QueryRowContext(ctx, `SELECT resent FROM mailing_campaigns WHERE id = $1`, id).Scan(&st.Resent)
	return st, err
}
