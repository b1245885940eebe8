package notify

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Link codes: the profile page makes one (CreateTelegramCode), the person
// sends it to a bot ("/start CODE" from the deep link, or the code alone),
// and the connector hands it here (telegram_bot.go), which links the
// Telegram account that sent it. A code is kept only as its SHA-256 (the
// table is no list of valid codes), is used once, and expires after
// CodeTTL. Making a new code ends the person's unused ones.

// CodeTTL is how long a link code may be used.
const CodeTTL = 10 * time.Minute

// codeAlphabet leaves out letters and digits read alike (0/O, 1/I/L): a
// code may be typed from the screen. 8 of 31 symbols are about 40 bits,
// for ten minutes.
const (
	codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	codeLen      = 8
)

// TelegramCode is a fresh link code and the ways to send it.
type TelegramCode struct {
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
	Links     []BotLink `json:"links"` // one deep link per bot
}

// BotLink opens a bot with the code: https://t.me/<bot>?start=<code>.
type BotLink struct {
	Bot  string `json:"bot"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// TelegramAccount is a person's linked account, for their profile.
type TelegramAccount struct {
	Linked   bool      `json:"linked"`
	Name     string    `json:"name,omitempty"` // the Telegram account's name
	Bot      string    `json:"bot,omitempty"`  // the bot's username
	LinkedAt time.Time `json:"linked_at,omitzero"`
	Bots     []Bot     `json:"bots"` // the bots one may link to
}

var errNotLinked = errors.New("notify: no Telegram account linked")

type tgLink struct {
	userID, channelID  string
	tgUser, chat       int64
	name               string
	linkedAt           int64
	awaitItem, awaitAc string
	awaitAt            int64
}

const linkColumns = `user_id, channel_id, tg_user, chat_id, tg_name, linked_at, await_item, await_action, await_at`

func scanLink(row *sql.Row) (tgLink, error) {
	var l tgLink
	err := row.Scan(&l.userID, &l.channelID, &l.tgUser, &l.chat, &l.name, &l.linkedAt, &l.awaitItem, &l.awaitAc, &l.awaitAt)
	if errors.Is(err, sql.ErrNoRows) {
		return l, errNotLinked
	}
	if err != nil {
		return l, fmt.Errorf("notify: Telegram link: %w", err)
	}
	return l, nil
}

func (s *Telegram) linkOf(ctx context.Context, userID string) (tgLink, error) {
	return scanLink(s.db.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM notify_tg_links WHERE user_id = $1`, userID))
}

// linkByAccount finds the person a bot's Telegram user is linked to.
func (s *Telegram) linkByAccount(ctx context.Context, channelID string, tgUser int64) (tgLink, error) {
	return scanLink(s.db.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM notify_tg_links WHERE channel_id = $1 AND tg_user = $2`,
		channelID, tgUser))
}

func hashCode(code string) string {
	h := sha256.Sum256([]byte(strings.ToUpper(strings.TrimSpace(code))))
	return hex.EncodeToString(h[:])
}

// looksLikeCode says whether text has a code's shape (any case).
func looksLikeCode(text string) bool {
	if len(text) != codeLen {
		return false
	}
	for _, r := range strings.ToUpper(text) {
		if !strings.ContainsRune(codeAlphabet, r) {
			return false
		}
	}
	return true
}

// CreateTelegramCode makes a one-time link code for the caller.
func (s *Telegram) CreateTelegramCode(ctx context.Context, sc access.Scope) (TelegramCode, error) {
	if sc.UserID == "" {
		return TelegramCode{}, fmt.Errorf("%w: only a person links a Telegram account", access.ErrForbidden)
	}
	b := make([]byte, codeLen)
	if _, err := rand.Read(b); err != nil {
		return TelegramCode{}, err
	}
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	code := string(b)
	now := s.now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		// A new code ends the unused ones, and old codes go.
		if _, err := tx.ExecContext(ctx, `DELETE FROM notify_tg_codes WHERE (user_id = $1 AND used_at = 0) OR expires_at < $2`,
			sc.UserID, now.Add(-24*time.Hour).UnixMilli()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO notify_tg_codes (code_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			hashCode(code), sc.UserID, now.UnixMilli(), now.Add(CodeTTL).UnixMilli())
		return err
	})
	if err != nil {
		return TelegramCode{}, fmt.Errorf("notify: Telegram code: %w", err)
	}
	out := TelegramCode{Code: code, ExpiresAt: now.Add(CodeTTL), Links: []BotLink{}}
	bots, err := s.bots(ctx)
	for _, b := range bots {
		out.Links = append(out.Links, BotLink{Bot: b.Username, Name: b.Name, URL: "https://t.me/" + b.Username + "?start=" + code})
	}
	return out, err
}

func (s *Telegram) bots(ctx context.Context) ([]Bot, error) {
	tg := s.deps.Load()
	if tg == nil || tg.Bots == nil {
		return []Bot{}, nil
	}
	return tg.Bots(ctx)
}

// TelegramAccount describes the caller's linked account and the bots.
func (s *Telegram) TelegramAccount(ctx context.Context, sc access.Scope) (TelegramAccount, error) {
	bots, err := s.bots(ctx)
	if err != nil {
		return TelegramAccount{}, err
	}
	out := TelegramAccount{Bots: bots}
	l, err := s.linkOf(ctx, sc.UserID)
	if errors.Is(err, errNotLinked) {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	out.Linked, out.Name, out.LinkedAt = true, l.name, db.Time(l.linkedAt)
	for _, b := range bots {
		if b.ChannelID == l.channelID {
			out.Bot = b.Username
		}
	}
	return out, nil
}

// UnlinkTelegram forgets the caller's account: nothing more is sent
// there, and its buttons stop working.
func (s *Telegram) UnlinkTelegram(ctx context.Context, sc access.Scope) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM notify_tg_links WHERE user_id = $1`, sc.UserID); err != nil {
		return fmt.Errorf("notify: unlink Telegram: %w", err)
	}
	return nil
}

// codeRefusal is why a code links nothing (a key of the bot's answers).
type codeRefusal string

const (
	codeUnknown codeRefusal = "tgbot.code_unknown"
	codeUsed    codeRefusal = "tgbot.code_used"
	codeExpired codeRefusal = "tgbot.code_expired"
)

func (c codeRefusal) Error() string { return string(c) }

// redeem links the Telegram account that sent code to the code's person,
// and returns that person. A Telegram account is linked to one person per
// bot, and a person to one account: a new link replaces both.
func (s *Telegram) redeem(ctx context.Context, code, channelID string, tgUser, chat int64, name string) (string, error) {
	var userID string
	now := s.now().UnixMilli()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var expires, used int64
		err := tx.QueryRowContext(ctx, `SELECT user_id, expires_at, used_at FROM notify_tg_codes WHERE code_hash = $1`, hashCode(code)).
			Scan(&userID, &expires, &used)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return codeUnknown
		case err != nil:
			return err
		case used != 0:
			return codeUsed
		case expires < now:
			return codeExpired
		}
		res, err := tx.ExecContext(ctx, `UPDATE notify_tg_codes SET used_at = $1 WHERE code_hash = $2 AND used_at = 0`, now, hashCode(code))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return codeUsed
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM notify_tg_links WHERE user_id = $1 OR (channel_id = $2 AND tg_user = $3)`,
			userID, channelID, tgUser); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO notify_tg_links (user_id, channel_id, tg_user, chat_id, tg_name, linked_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, userID, channelID, tgUser, chat, truncate(name, 100), now)
		return err
	})
	var refused codeRefusal
	if err != nil && !errors.As(err, &refused) {
		return "", fmt.Errorf("notify: link Telegram: %w", err)
	}
	return userID, err
}
