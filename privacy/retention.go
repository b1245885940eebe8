package privacy

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/pdata"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// RetentionKinds are the kinds of data with a retention period, in the
// order the settings page shows them.
var RetentionKinds = []string{pdata.ClosedConversations, pdata.Recordings, pdata.WidgetVisitors, pdata.AuditRows}

// MinDays are the shortest periods accepted: a closed conversation may
// still turn into an appeal's evidence for a month, a recording be asked
// for in a dispute, and the access log must cover a year (the audit log's
// engine trigger refuses to delete younger rows).
var MinDays = map[string]int{pdata.ClosedConversations: 30, pdata.Recordings: 30, pdata.WidgetVisitors: 30, pdata.AuditRows: 365}

// MaxDays bounds a period: ten years.
const MaxDays = 3660

// Retention is one kind's period; Days 0 keeps it for ever (not set).
type Retention struct {
	Kind      string    `json:"kind"`
	Days      int       `json:"days"`
	MinDays   int       `json:"min_days"`
	UpdatedBy string    `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Retentions are every kind's period.
func (s *Service) Retentions(ctx context.Context, sc access.Scope) ([]Retention, error) {
	if err := sc.Require(access.ManageSettings); err != nil {
		return nil, err
	}
	out := make([]Retention, len(RetentionKinds))
	for i, k := range RetentionKinds {
		out[i] = Retention{Kind: k, MinDays: MinDays[k]}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT kind, days, `+audit.ActorSQL("''", "updated_by")+`, updated_at FROM privacy_retention`)
	if err != nil {
		return nil, fmt.Errorf("privacy: retention: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Retention
		var full, by string
		var at int64
		if err := rows.Scan(&r.Kind, &r.Days, &full, &by, &at); err != nil {
			return nil, fmt.Errorf("privacy: retention: %w", err)
		}
		if i := slices.Index(RetentionKinds, r.Kind); i >= 0 {
			out[i].Days, out[i].UpdatedBy, out[i].UpdatedAt = r.Days, audit.Actor(full, by), db.Time(at)
		}
	}
	return out, rows.Err()
}

// SetRetention sets a kind's period in days (0: keep for ever). A period
// below the kind's minimum is refused.
func (s *Service) SetRetention(ctx context.Context, sc access.Scope, kind string, days int) (Retention, error) {
	if err := sc.Require(access.ManageSettings); err != nil {
		return Retention{}, err
	}
	if !slices.Contains(RetentionKinds, kind) {
		return Retention{}, valid.Keyed("kind", "kind", "privacy_retention_kind", "unknown kind of data")
	}
	if days != 0 && days < MinDays[kind] {
		return Retention{}, valid.Keyed("days", "too_short", "privacy_retention_short", "%d days is shorter than the legal minimum of %d days", days, MinDays[kind])
	}
	if days < 0 || days > MaxDays {
		return Retention{}, valid.Keyed("days", "range", "privacy_retention_range", "the period must be 0 to %d days", MaxDays)
	}
	now := s.now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO privacy_retention (kind, days, updated_by, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (kind) DO UPDATE SET days = excluded.days, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			kind, days, sc.UserName, now.UnixMilli()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "privacy.retention", ObjectType: "retention", ObjectID: kind, Details: map[string]any{"days": days}})
	})
	if err != nil {
		return Retention{}, fmt.Errorf("privacy: set retention: %w", err)
	}
	return Retention{Kind: kind, Days: days, MinDays: MinDays[kind], UpdatedBy: sc.UserName, UpdatedAt: now}, nil
}

// Hold is a legal hold: what it names is neither expired nor erased.
type Hold struct {
	ObjectType string    `json:"object_type"` // member, conversation, call
	ObjectID   string    `json:"object_id"`
	Reason     string    `json:"reason"`
	CreatedBy  string    `json:"created_by,omitempty"`
	CreatedAt  time.Time `json:"created_at,omitzero"`
}

var holdTypes = []string{"member", "conversation", "call"}

// SetHold puts a hold on (on true) or takes it off an object.
func (s *Service) SetHold(ctx context.Context, sc access.Scope, h Hold, on bool) error {
	if err := sc.Require(access.ManageSettings); err != nil {
		return err
	}
	h.Reason = strings.TrimSpace(h.Reason)
	switch {
	case !slices.Contains(holdTypes, h.ObjectType):
		return valid.Keyed("object_type", "kind", "privacy_hold_type", "a hold is on a member, a conversation or a call")
	case h.ObjectID == "":
		return valid.Keyed("object_id", "required", "privacy_hold_id", "name what is held")
	case on && (h.Reason == "" || len([]rune(h.Reason)) > 500):
		return valid.Keyed("reason", "required", "privacy_hold_reason", "a hold needs a reason of at most 500 characters")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		q := `DELETE FROM privacy_holds WHERE object_type = $1 AND object_id = $2`
		args := []any{h.ObjectType, h.ObjectID}
		if on {
			q = `INSERT INTO privacy_holds (object_type, object_id, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (object_type, object_id) DO UPDATE SET reason = excluded.reason`
			args = append(args, h.Reason, sc.UserName, s.now().UnixMilli())
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("privacy: hold: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "privacy.hold", ObjectType: h.ObjectType, ObjectID: h.ObjectID,
			Details: map[string]any{"on": on, "reason": h.Reason}})
	})
}

func (s *Service) held(ctx context.Context, q db.Execer, typ, id string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM privacy_holds WHERE object_type = $1 AND object_id = $2`, typ, id).Scan(&n)
	return n > 0, err
}
