package mailing

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Timeline puts the campaigns a member was sent on their CRM card, from
// the ledger (crm.TimelineSource; the hub registers it as "mailings").
type Timeline struct{ db *db.DB }

// MemberTimeline lists the member's ledger rows last changed before
// before, newest first. A campaign shows when the caller's unit sent it
// or is below the unit that did (a federation's campaign is part of a
// primary organisation member's history), as SMTP accounts are shared.
func (t *Timeline) MemberTimeline(ctx context.Context, sc access.Scope, m crm.Member, before time.Time, limit int) ([]crm.TimelineEntry, error) {
	if !sc.Can(access.ReadDirectory) {
		return nil, nil
	}
	b := int64(1) << 62
	if !before.IsZero() {
		b = before.UnixMilli()
	}
	lo, hi := sc.PathRange()
	rows, err := t.db.QueryContext(ctx, `SELECT c.id, c.name, r.seq, r.channel, r.status, r.reason, r.updated_at
		FROM mailing_recipients r JOIN mailing_campaigns c ON c.id = r.campaign_id JOIN units u ON u.id = c.unit_id
		WHERE r.member_id = $4 AND r.updated_at < $5 AND `+usableFrom+`
		ORDER BY r.updated_at DESC, r.campaign_id DESC LIMIT $6`, lo, hi, sc.UnitPath, m.ID, b, limit)
	if err != nil {
		return nil, fmt.Errorf("mailing: member timeline: %w", err)
	}
	defer rows.Close()
	out := []crm.TimelineEntry{}
	for rows.Next() {
		var id, name, channel, status, reason string
		var seq, at int64
		if err := rows.Scan(&id, &name, &seq, &channel, &status, &reason, &at); err != nil {
			return nil, fmt.Errorf("mailing: member timeline: %w", err)
		}
		e := crm.TimelineEntry{At: db.Time(at), Kind: "mailing", ID: fmt.Sprintf("%s.%d", id, seq), Title: "Рассылка «" + name + "»",
			Channel: channel, Status: timelineStatus(status, reason), Link: "/mailings#" + id}
		if status != RecipientSent && status != RecipientPending {
			e.Summary = reason
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// timelineStatus names a ledger row's state for the card: a row skipped
// because the person unsubscribed reads "unsubscribed".
func timelineStatus(status, reason string) string {
	if status == RecipientSkipped && (reason == "unsubscribed" || strings.HasPrefix(reason, "suppressed: unsubscribe")) {
		return "unsubscribed"
	}
	return status
}
