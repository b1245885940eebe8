package mailing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Suppressions keep the suppression list: the addresses, per channel,
// that get no campaign any more (unsubscribed, bounced, complained, or
// blocked the bot). Every node's runner hears of a new one at once.
type Suppressions struct {
	db     *db.DB
	events *events
	tokens tokens
}

// Suppression reasons.
const (
	ReasonUnsubscribe = "unsubscribe"
	ReasonBounce      = "bounce"
	ReasonComplaint   = "complaint"
)

// Unsubscribe honours a signed link from an e-mail: the address goes on
// the suppression list for that channel, its pending rows in every
// campaign are skipped, and every node's runner hears of it before this
// returns, so no further message goes to that person.
func (s *Suppressions) Unsubscribe(ctx context.Context, token, from string) error {
	campaignID, seq, err := s.tokens.parseToken(token)
	if err != nil {
		return err
	}
	var channel, address, unit string
	err = s.db.QueryRowContext(ctx, `SELECT r.channel, r.address, c.unit_id FROM mailing_recipients r
		JOIN mailing_campaigns c ON c.id = r.campaign_id WHERE r.campaign_id = $1 AND r.seq = $2`, campaignID, seq).Scan(&channel, &address, &unit)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("mailing: unsubscribe: %w", db.ErrNotFound)
	}
	if err != nil {
		return err
	}
	sc := access.System("unsubscribe link")
	sc.From = from
	return s.suppress(ctx, sc, channel, address, ReasonUnsubscribe, campaignID, unit)
}

// Suppress puts an address on a channel's suppression list (a hard bounce
// from the mail connector, a complaint, an unsubscribe by another route).
func (s *Suppressions) Suppress(ctx context.Context, sc access.Scope, channel, address, reason string) error {
	if err := requireSend(sc); err != nil {
		return err
	}
	switch reason {
	case ReasonUnsubscribe, ReasonBounce, ReasonComplaint:
	default:
		return valid.Errorf("reason", "reason", "reason must be unsubscribe, bounce or complaint")
	}
	address = strings.ToLower(strings.TrimSpace(address))
	if address == "" || len(address) > 320 {
		return valid.Errorf("address", "required", "address is required")
	}
	return s.suppress(ctx, sc, channel, address, reason, "", sc.UnitID)
}

func (s *Suppressions) suppress(ctx context.Context, sc access.Scope, channel, address, reason, campaignID, unit string) error {
	// Runners learn of it first: a send they are about to make checks
	// this set, while the ledger update below covers batches not yet read.
	s.events.unsubscribed(ctx, channel+" "+address)
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		res, err := tx.ExecContext(ctx, `INSERT INTO mailing_suppressions (channel, address, reason, campaign_id, created_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, channel, address, reason, campaignID, now)
		if err != nil {
			return fmt.Errorf("mailing: suppress: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already suppressed: a second click changes nothing
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mailing_recipients SET status = 'skipped', reason = $3, updated_at = $4
			WHERE address = $2 AND channel = $1 AND status = 'pending'`, channel, address, "suppressed: "+reason, now); err != nil {
			return fmt.Errorf("mailing: suppress: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "mailing.suppress", ObjectType: "suppression", ObjectID: channel + ":" + address,
			UnitID: unit, Details: map[string]any{"reason": reason, "campaign": campaignID}})
	})
}

// RecordBounce marks the ledger row a bounce refers to (by the Message-ID
// the campaign gave it) and suppresses the address: the mail connector's
// bounce handling calls it for campaign letters.
func (s *Suppressions) RecordBounce(ctx context.Context, messageID, reason string) error {
	local, _, _ := strings.Cut(strings.Trim(messageID, "<>"), "@")
	rest, ok := strings.CutPrefix(local, "m.")
	seqStr, campaignID, ok2 := strings.Cut(rest, ".")
	seq, err := strconv.ParseInt(seqStr, 10, 64)
	if !ok || !ok2 || err != nil {
		return fmt.Errorf("mailing: %q is not a campaign Message-ID: %w", messageID, db.ErrNotFound)
	}
	var channel, address, unit string
	if err := s.db.QueryRowContext(ctx, `SELECT r.channel, r.address, c.unit_id FROM mailing_recipients r
		JOIN mailing_campaigns c ON c.id = r.campaign_id WHERE r.campaign_id = $1 AND r.seq = $2`, campaignID, seq).Scan(&channel, &address, &unit); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("mailing: bounce for %s: %w", messageID, db.ErrNotFound)
		}
		return err
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE mailing_recipients SET status = 'bounced', reason = $3, updated_at = $4
		WHERE campaign_id = $1 AND seq = $2`, campaignID, seq, reason, db.Now()); err != nil {
		return err
	}
	return s.suppress(ctx, access.System("bounce"), channel, address, ReasonBounce, campaignID, unit)
}

// ValidToken says whether an unsubscribe link's token verifies, before
// anyone asks to use it.
func (s *Suppressions) ValidToken(token string) bool {
	_, _, err := s.tokens.parseToken(token)
	return err == nil
}
