package memberbot

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/storage/db"
)

// store is the office's SQL (migration 00042).
type store struct{ db *db.DB }

// MemberLinks are the office's references to member cards (links of
// chats, cards issued, codes under way), moved by a CRM merge like the others'.
var MemberLinks = map[string]db.RefColumn{"bot_links": {Table: "memberbot_links", Column: "member_id"},
	"bot_cards": {Table: "memberbot_cards", Column: "member_id"}, "bot_codes": {Table: "memberbot_codes", Column: "member_id"}}

// Link is a member's chat with a bot or community.
type Link struct {
	ID        string `json:"id"`
	MemberID  string `json:"member_id"`
	Kind      string `json:"kind"` // telegram, vk
	ChannelID string `json:"channel_id"`
	UserID    string `json:"user_id"`
	ChatID    string `json:"chat_id"`
	LinkedBy  string `json:"linked_by"` // "code" or the operator's id
	LinkedAt  int64  `json:"linked_at"`
}

const linkCols = `id, member_id, kind, channel_id, user_id, chat_id, linked_by, linked_at`

func scanLink(row interface{ Scan(...any) error }) (Link, error) {
	var l Link
	err := row.Scan(&l.ID, &l.MemberID, &l.Kind, &l.ChannelID, &l.UserID, &l.ChatID, &l.LinkedBy, &l.LinkedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return l, db.ErrNotFound
	}
	return l, err
}

func (s store) linkOf(ctx context.Context, channelID, userID string) (Link, error) {
	return scanLink(s.db.QueryRowContext(ctx, `SELECT `+linkCols+` FROM memberbot_links WHERE channel_id = $1 AND user_id = $2`, channelID, userID))
}

func (s store) linkByID(ctx context.Context, id string) (Link, error) {
	return scanLink(s.db.QueryRowContext(ctx, `SELECT `+linkCols+` FROM memberbot_links WHERE id = $1`, id))
}

func (s store) linksOf(ctx context.Context, memberID string) ([]Link, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+linkCols+` FROM memberbot_links WHERE member_id = $1 ORDER BY linked_at DESC, id`, memberID)
	if err != nil {
		return nil, fmt.Errorf("memberbot: links: %w", err)
	}
	defer rows.Close()
	out := []Link{}
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, fmt.Errorf("memberbot: links: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// link records (or re-points) a chat's link to a card.
func (s store) link(ctx context.Context, l Link) (Link, error) {
	l.ID, l.LinkedAt = uuid.Must(uuid.NewV7()).String(), db.Now()
	_, err := s.db.ExecContext(ctx, `INSERT INTO memberbot_links (`+linkCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (channel_id, user_id) DO UPDATE SET member_id = $2, chat_id = $6, linked_by = $7, linked_at = $8`,
		l.ID, l.MemberID, l.Kind, l.ChannelID, l.UserID, l.ChatID, l.LinkedBy, l.LinkedAt)
	if err != nil {
		return l, fmt.Errorf("memberbot: link: %w", err)
	}
	return s.linkOf(ctx, l.ChannelID, l.UserID)
}

func (s store) unlink(ctx context.Context, id string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM memberbot_links WHERE id = $1`, id); err != nil {
		return fmt.Errorf("memberbot: unlink: %w", err)
	}
	return nil
}

// pending is a linking under way.
type pending struct {
	step      string // "phone" or "code"
	memberID  string
	codeHash  string
	attempts  int
	expiresAt int64
}

func (s store) pendingOf(ctx context.Context, channelID, userID string) (pending, error) {
	var p pending
	err := s.db.QueryRowContext(ctx, `SELECT step, member_id, code_hash, attempts, expires_at FROM memberbot_codes
		WHERE channel_id = $1 AND user_id = $2`, channelID, userID).Scan(&p.step, &p.memberID, &p.codeHash, &p.attempts, &p.expiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return p, db.ErrNotFound
	}
	return p, err
}

func (s store) setPending(ctx context.Context, channelID, userID string, p pending) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO memberbot_codes (channel_id, user_id, step, member_id, code_hash, attempts, expires_at, created_at)
		VALUES ($1, $2, $3, $4, $5, 0, $6, $7) ON CONFLICT (channel_id, user_id) DO UPDATE SET step = $3, member_id = $4, code_hash = $5,
		attempts = 0, expires_at = $6, created_at = $7`, channelID, userID, p.step, p.memberID, p.codeHash, p.expiresAt, db.Now())
	if err != nil {
		return fmt.Errorf("memberbot: pending: %w", err)
	}
	return nil
}

// attempt counts a wrong code and returns the attempts made.
func (s store) attempt(ctx context.Context, channelID, userID string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `UPDATE memberbot_codes SET attempts = attempts + 1 WHERE channel_id = $1 AND user_id = $2
		RETURNING attempts`, channelID, userID).Scan(&n)
	return n, err
}

// dropPending ends a linking; done false when another request took it
// first (a code used twice at once counts once).
func (s store) dropPending(ctx context.Context, channelID, userID, codeHash string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM memberbot_codes WHERE channel_id = $1 AND user_id = $2 AND code_hash = $3`,
		channelID, userID, codeHash)
	if err != nil {
		return false, fmt.Errorf("memberbot: pending: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// cardRow is an issued card.
type cardRow struct {
	id, memberID        string
	issuedAt, expiresAt int64
	revokedAt           int64
}

func (s store) card(ctx context.Context, id string) (cardRow, error) {
	var c cardRow
	err := s.db.QueryRowContext(ctx, `SELECT id, member_id, issued_at, expires_at, revoked_at FROM memberbot_cards WHERE id = $1`, id).
		Scan(&c.id, &c.memberID, &c.issuedAt, &c.expiresAt, &c.revokedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, db.ErrNotFound
	}
	return c, err
}

// currentCard is the member's newest card neither revoked nor ending
// within a month of now (then a new one is issued).
func (s store) currentCard(ctx context.Context, memberID string, now int64) (cardRow, error) {
	var c cardRow
	err := s.db.QueryRowContext(ctx, `SELECT id, member_id, issued_at, expires_at, revoked_at FROM memberbot_cards
		WHERE member_id = $1 AND revoked_at = 0 AND expires_at > $2 ORDER BY issued_at DESC LIMIT 1`, memberID, now+30*24*3600*1000).
		Scan(&c.id, &c.memberID, &c.issuedAt, &c.expiresAt, &c.revokedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, db.ErrNotFound
	}
	return c, err
}

func (s store) addCard(ctx context.Context, c cardRow) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO memberbot_cards (id, member_id, issued_at, expires_at) VALUES ($1, $2, $3, $4)`,
		c.id, c.memberID, c.issuedAt, c.expiresAt); err != nil {
		return fmt.Errorf("memberbot: issue card: %w", err)
	}
	return nil
}

func (s store) revokeCards(ctx context.Context, memberID, reason string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE memberbot_cards SET revoked_at = $2, revoked_reason = $3 WHERE member_id = $1 AND revoked_at = 0`,
		memberID, db.Now(), reason); err != nil {
		return fmt.Errorf("memberbot: revoke cards: %w", err)
	}
	return nil
}

// count adds one to a day's action counter.
func (s store) count(ctx context.Context, day, kind, action string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO memberbot_actions (day, kind, action, n) VALUES ($1, $2, $3, 1)
		ON CONFLICT (day, kind, action) DO UPDATE SET n = memberbot_actions.n + 1`, day, kind, action)
	return err
}

// ActionCount is one counter of the statistics.
type ActionCount struct {
	Kind   string `json:"kind"`
	Action string `json:"action"`
	Count  int    `json:"count"`
}

func (s store) counts(ctx context.Context, from, to string) ([]ActionCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, action, SUM(n) FROM memberbot_actions WHERE day >= $1 AND day < $2
		GROUP BY kind, action ORDER BY kind, action`, from, to)
	if err != nil {
		return nil, fmt.Errorf("memberbot: counts: %w", err)
	}
	defer rows.Close()
	out := []ActionCount{}
	for rows.Next() {
		var c ActionCount
		if err := rows.Scan(&c.Kind, &c.Action, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// seen is the last status the member was told of an appeal ("" never).
func (s store) seen(ctx context.Context, appealID string) (string, error) {
	var st string
	err := s.db.QueryRowContext(ctx, `SELECT status FROM memberbot_appeal_seen WHERE appeal_id = $1`, appealID).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return st, err
}

func (s store) setSeen(ctx context.Context, appealID, status string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO memberbot_appeal_seen (appeal_id, status, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (appeal_id) DO UPDATE SET status = $2, updated_at = $3`, appealID, status, db.Now())
	return err
}

// setSetting writes the office's own bookkeeping in the settings table
// (not an administrator's setting: no audit).
func (s store) setSetting(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = $2, updated_at = $3`, key, value, db.Now())
	return err
}

// chatsOf maps member → chat of a channel's links.
func (s store) chatsOf(ctx context.Context, channelID string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT member_id, chat_id FROM memberbot_links WHERE channel_id = $1 ORDER BY linked_at`, channelID)
	if err != nil {
		return nil, fmt.Errorf("memberbot: chats: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var m, c string
		if err := rows.Scan(&m, &c); err != nil {
			return nil, err
		}
		out[m] = c
	}
	return out, rows.Err()
}

// addCount adds n to a day's counter (the demo's history).
func (s store) addCount(ctx context.Context, day, kind, action string, n int) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO memberbot_actions (day, kind, action, n) VALUES ($1, $2, $3, $4)
		ON CONFLICT (day, kind, action) DO UPDATE SET n = memberbot_actions.n + $4`, day, kind, action, n)
	return err
}
