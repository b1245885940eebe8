package mailing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Audience is who a campaign reaches: its segments (CRM filters, saved
// filters, imported lists) read under the owner's scope, each person on
// the first channel of the campaign's priority with an address and the
// consent its kind needs. It counts them for the editor and writes them
// into the ledger when the campaign starts, the same way both times.
type Audience struct {
	db    *db.DB
	crm   *crm.Services
	chats Chats // nil: no Telegram or VK recipients
	log   *slog.Logger
}

// recipient is one person chosen for a campaign on one channel.
type recipient struct {
	memberID string
	channel  string
	address  string
	vars     Vars
}

// reachable is a person as the audience sees them, from a member card or
// a list entry.
type reachable struct {
	memberID    string
	emails      []string
	phones      []string
	chats       map[string]string // messenger channel → chat with the campaign's bot or community
	mailings    func(channel string) bool
	advertising bool
	vars        Vars
}

// choose picks the first channel of the campaign's priority on which the
// person has an address and the consent the campaign's kind needs:
// informational needs the mailing consent for that channel, advertising
// needs in addition the advertising consent (38-FZ; 126-FZ for SMS).
func choose(in CampaignInput, p reachable) (recipient, bool) {
	if in.Kind == Advertising && !p.advertising {
		return recipient{}, false
	}
	for _, ch := range in.Channels {
		var addr string
		switch ch {
		case ChannelEmail:
			if len(p.emails) > 0 {
				addr = p.emails[0]
			}
		case ChannelSMS:
			if len(p.phones) > 0 {
				addr = p.phones[0]
			}
		case ChannelTelegram, ChannelVK:
			addr = p.chats[ch]
		}
		if addr == "" || !p.mailings(ch) {
			continue
		}
		return recipient{memberID: p.memberID, channel: ch, address: addr, vars: p.vars}, true
	}
	return recipient{}, false
}

func fromMember(m crm.Member) reachable {
	return reachable{memberID: m.ID, emails: m.Emails, phones: m.Phones,
		mailings:    func(ch string) bool { return m.Consents.Mailings[ch].Given },
		advertising: m.Consents.Advertising != nil && m.Consents.Advertising.Given,
		vars: Vars{Name: m.FullName, Surname: m.Surname, GivenName: m.GivenName, Patronymic: m.Patronymic,
			Organisation: m.UnitName, Position: m.Position, CardNumber: m.CardNumber, DiscountCard: m.DiscountCard,
			Custom: crm.CustomTexts(m)}}
}

// resolveSavedFilter loads a saved CRM filter under sc, so a filter
// another unit keeps private stays invisible to this campaign's owner.
func (s *Audience) resolveSavedFilter(ctx context.Context, sc access.Scope, id string) (crm.MemberFilter, error) {
	f, err := s.crm.SavedFilters.SavedFilter(ctx, sc, id)
	if err != nil {
		return crm.MemberFilter{}, fmt.Errorf("mailing: saved filter %s: %w", id, err)
	}
	return f, nil
}

// walkAudience calls fn for each person of the audience that can get the
// campaign, in a stable order (so a rebuilt ledger numbers them alike),
// and returns how many people it left out for want of address or consent.
func (s *Audience) walkAudience(ctx context.Context, sc access.Scope, in CampaignInput, fn func(recipient) error) (excluded int, err error) {
	linked, err := s.linkedChats(ctx, in)
	if err != nil {
		return 0, err
	}
	visit := func(p reachable) error {
		if p.memberID != "" && len(linked) > 0 {
			p.chats = map[string]string{}
			for ch, chats := range linked {
				if chat := chats[p.memberID]; chat != "" {
					p.chats[ch] = chat
				}
			}
		}
		r, ok := choose(in, p)
		if !ok {
			excluded++
			return nil
		}
		return fn(r)
	}
	for _, sg := range in.Segments {
		switch {
		case sg.Filter != nil || sg.SavedFilterID != "":
			var f crm.MemberFilter
			if sg.Filter != nil {
				f = sg.Filter.memberFilter()
			} else if f, err = s.resolveSavedFilter(ctx, sc, sg.SavedFilterID); err != nil {
				return 0, err
			}
			f.Sort = "created_at"
			if err := s.crm.Members.EachMember(ctx, sc, f, func(m crm.Member) error { return visit(fromMember(m)) }); err != nil {
				return 0, err
			}
		case sg.ListID != "":
			if _, err := getList(ctx, s.db, sc, sg.ListID); err != nil {
				return 0, err
			}
			if err := s.eachListEntry(ctx, sg.ListID, visit); err != nil {
				return 0, err
			}
		}
	}
	return excluded, nil
}

// linkedChats reads, for each messenger channel of a campaign, the chats
// its bot or community has with members (member id → chat id). Only
// linked members are in it: a few per cent of a union at most, so it is
// read once rather than asked per member.
func (s *Audience) linkedChats(ctx context.Context, in CampaignInput) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, ch := range in.Channels {
		id := in.Messengers[ch]
		if !slices.Contains(messengerChannels, ch) || id == "" {
			continue
		}
		if s.chats == nil {
			return nil, fmt.Errorf("mailing: %s needs the inbox", ch)
		}
		chats, err := s.chats.LinkedChats(ctx, id)
		if err != nil {
			return nil, err
		}
		out[ch] = chats
	}
	return out, nil
}

func (s *Audience) eachListEntry(ctx context.Context, listID string, fn func(reachable) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT email, phone, vars, consents, advertising FROM mailing_list_entries
		WHERE list_id = $1 ORDER BY seq`, listID)
	if err != nil {
		return fmt.Errorf("mailing: list entries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var email, phone, vars, consents string
		var p reachable
		if err := rows.Scan(&email, &phone, &vars, &consents, &p.advertising); err != nil {
			return err
		}
		if email != "" {
			p.emails = []string{email}
		}
		if phone != "" {
			p.phones = []string{phone}
		}
		p.mailings = func(ch string) bool { return strings.Contains(consents, ","+ch+",") }
		if err := jsonUnmarshal(vars, &p.vars); err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AudienceCount is what a campaign would reach, shown before sending: the
// same people the send will use, as the ledger is built and claimed.
type AudienceCount struct {
	Total     int            `json:"total"`
	ByChannel map[string]int `json:"by_channel"`
	Excluded  int            `json:"excluded"`   // no address or no consent for any chosen channel
	Duplicate int            `json:"duplicates"` // in several segments: counted once
	// Suppressed are on the suppression list of the channel chosen for
	// them (unsubscribed, bounced, complained): the send skips them.
	Suppressed int `json:"suppressed"`
}

// CountAudience counts the recipients of a campaign's settings without
// storing anything. It follows the send step by step: the channel chosen
// by priority, address and consent (walkAudience, as the ledger build);
// one row per channel and address (the ledger's unique index); then the
// suppression list, which the runner checks as it claims each row.
func (s *Audience) CountAudience(ctx context.Context, sc access.Scope, in CampaignInput) (AudienceCount, error) {
	if err := requireSend(sc); err != nil {
		return AudienceCount{}, err
	}
	if err := in.normalize(); err != nil {
		return AudienceCount{}, err
	}
	suppressed, err := s.suppressedSet(ctx, in.Channels)
	if err != nil {
		return AudienceCount{}, err
	}
	ac := AudienceCount{ByChannel: map[string]int{}}
	seen := map[string]struct{}{}
	excl, err := s.walkAudience(ctx, sc, in, func(r recipient) error {
		k := r.channel + " " + r.address
		if _, ok := seen[k]; ok {
			ac.Duplicate++
			return nil
		}
		seen[k] = struct{}{}
		if _, ok := suppressed[k]; ok {
			ac.Suppressed++
			return nil
		}
		ac.Total++
		ac.ByChannel[r.channel]++
		return nil
	})
	ac.Excluded = excl
	return ac, err
}

// suppressedSet reads the suppression list of the given channels as
// "channel address" keys. It is one row per person who ever unsubscribed
// or bounced: small next to an audience, so one read beats a query per
// person.
func (s *Audience) suppressedSet(ctx context.Context, channels []string) (map[string]struct{}, error) {
	out := map[string]struct{}{}
	for _, ch := range channels {
		rows, err := s.db.QueryContext(ctx, `SELECT address FROM mailing_suppressions WHERE channel = $1`, ch)
		if err != nil {
			return nil, fmt.Errorf("mailing: suppressions: %w", err)
		}
		for rows.Next() {
			var a string
			if err := rows.Scan(&a); err != nil {
				rows.Close()
				return nil, fmt.Errorf("mailing: suppressions: %w", err)
			}
			out[ch+" "+a] = struct{}{}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("mailing: suppressions: %w", err)
		}
	}
	return out, nil
}

// ownerScope is the scope a campaign's audience is read under: its
// owner's role on the campaign's unit subtree.
func ownerScope(ctx context.Context, q db.Execer, campaignID string) (access.Scope, error) {
	var sc access.Scope
	var role string
	err := q.QueryRowContext(ctx, `SELECT c.owner_id, c.owner_role, c.unit_id, u.path FROM mailing_campaigns c
		JOIN units u ON u.id = c.unit_id WHERE c.id = $1`, campaignID).Scan(&sc.UserID, &role, &sc.UnitID, &sc.UnitPath)
	if errors.Is(err, sql.ErrNoRows) {
		return sc, fmt.Errorf("mailing: campaign %s: %w", campaignID, db.ErrNotFound)
	}
	sc.Role, sc.UserName, sc.From = access.Role(role), "mailing runner", "runner"
	return sc, err
}

// analyzeLedger refreshes PostgreSQL's statistics of the ledger while it
// grows. The campaign sends during the build, and its statements
// (claims, outcomes) are prepared and their plans cached: planned over
// the few rows of the first chunk, the outcomes' updates scanned the
// whole table once it held 254,000, until autovacuum's analyze some
// minutes later (the bench's rate fell from 3,600 to 735 a second). A
// fresh analyze invalidates those plans; at 1, 2, 4, 8, … chunks it
// costs a dozen analyzes for the federation's whole membership.
func (s *Audience) analyzeLedger(ctx context.Context) {
	if s.db.Dialect != db.Postgres {
		return
	}
	if _, err := s.db.ExecContext(ctx, `ANALYZE mailing_recipients`); err != nil && ctx.Err() == nil {
		s.log.Warn("ledger statistics not refreshed", "err", err)
	}
}

// ledgerChunk is how many recipients one transaction of the ledger's
// build writes. SQLite has one writer, and the build runs while the
// campaign sends: a longer chunk holds up the outcomes' records and the
// lease's renewal behind it (with the race detector's slowness, 2,000
// rows held a one-second test lease past its end).
func ledgerChunk(d *db.DB) int {
	if d.Dialect == db.Postgres {
		return 2000
	}
	return 500
}

// buildLedger writes a campaign's recipients, in chunks so a SQLite
// writer is never held for long; grew is called after each chunk is
// committed, so the sending can follow the build. It is idempotent: a
// build cut short by a crash is simply run again, and rows already
// written are kept (the unique index on channel and address refuses the
// repeats). Rows are numbered above every row already written, so a
// sender reading in seq order never misses one.
func (s *Audience) buildLedger(ctx context.Context, c Campaign, grew func()) (int, error) {
	sc, err := ownerScope(ctx, s.db, c.ID)
	if err != nil {
		return 0, err
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE mailing_campaigns SET started_at = $2 WHERE id = $1 AND started_at = 0`, c.ID, db.Now()); err != nil {
		return 0, err
	}
	var seq int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM mailing_recipients WHERE campaign_id = $1`, c.ID).Scan(&seq); err != nil {
		return 0, err
	}
	var chunk []recipient
	chunks := 0
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			ins := newBulkInsert(s.db.Cached(tx), bulkRows(s.db), `INSERT INTO mailing_recipients (campaign_id, seq, member_id, channel, address, vars, status, updated_at) VALUES `,
				8, ` ON CONFLICT DO NOTHING`)
			now := db.Now()
			for _, r := range chunk {
				seq++
				if err := ins.add(ctx, c.ID, seq, r.memberID, r.channel, r.address, mustJSON(r.vars), RecipientPending, now); err != nil {
					return err
				}
			}
			return ins.flush(ctx)
		})
		chunk = chunk[:0]
		if err != nil {
			return err
		}
		chunks++
		if chunks&(chunks-1) == 0 { // 1, 2, 4, 8, … chunks
			s.analyzeLedger(ctx)
		}
		grew()
		return nil
	}
	if _, err := s.walkAudience(ctx, sc, c.CampaignInput, func(r recipient) error {
		chunk = append(chunk, r)
		if len(chunk) >= ledgerChunk(s.db) {
			return flush()
		}
		return nil
	}); err != nil {
		return 0, fmt.Errorf("mailing: build ledger of %s: %w", c.ID, err)
	}
	if err := flush(); err != nil {
		return 0, fmt.Errorf("mailing: build ledger of %s: %w", c.ID, err)
	}
	s.analyzeLedger(ctx)
	var total int
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM mailing_recipients WHERE campaign_id = $1`, c.ID).Scan(&total); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE mailing_campaigns SET built = TRUE, total = $2 WHERE id = $1`, c.ID, total)
		return err
	})
	return total, err
}
