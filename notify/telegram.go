package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// Staff in Telegram: a person links their own Telegram account to one of
// the installation's bots with a one-time code (telegram_link.go), then
// gets the notices of the kinds they chose for Telegram there, with a
// button where one action fits (telegram_bot.go). This package knows
// neither the connector nor the domains the buttons act on: the hub gives
// it TelegramDeps, adapters of the Telegram connector, of the workflow and
// of the inbox.

// Button is one inline button under a notice: Data comes back when it is
// pressed (Telegram allows 64 bytes).
type Button struct{ Text, Data string }

// TelegramSender sends through a bot of the installation (the hub's
// adapter of the Telegram connector).
type TelegramSender interface {
	// SendStaff sends text to a chat with buttons (one per row) and
	// returns the message's id.
	SendStaff(ctx context.Context, channelID string, chat int64, text string, buttons []Button) (int, error)
}

// Action is one thing a notice's button does: a workflow decision, taking
// a conversation. Label empty: the catalogue's "tgbot.action.<ID>".
type Action struct {
	ID          string
	Label       string
	NeedComment bool // the bot asks for a comment before acting
}

// Actions are the one-press actions of notices, done as the person with
// their own access scope (the hub's adapter of the workflow and the
// inbox). A notice's kind and event key name the thing acted on.
type Actions interface {
	// Offer lists what the person may do now about the notice's thing;
	// none when it needs more than a press or is no longer theirs.
	Offer(ctx context.Context, userID, kind, key string) ([]Action, error)
	// Do does it; ErrActionGone when the thing moved on meanwhile.
	Do(ctx context.Context, userID, kind, key, action, comment string) error
}

// ErrActionGone says a button's thing needs nothing any more: the task
// was decided, the conversation taken.
var ErrActionGone = errors.New("notify: already done or no longer needed")

// Bot is one of the installation's Telegram bots a person may link to.
type Bot struct {
	ChannelID string `json:"channel_id"`
	Username  string `json:"username"`
	Name      string `json:"name"`
}

// TelegramDeps is what staff in Telegram need from the hub.
type TelegramDeps struct {
	Sender  TelegramSender
	Actions Actions
	// Bots lists the enabled bots with a known username, for the deep
	// links on the profile page.
	Bots func(ctx context.Context) ([]Bot, error)
}

// Telegram is staff in Telegram, a part of the notification service
// (Service.Telegram): link codes, the Telegram copies of notices and the
// bot's answers to staff members.
type Telegram struct {
	svc       *Service
	db        *db.DB
	log       *slog.Logger
	now       func() time.Time
	translate func(lang, key string, args ...any) string
	directory Directory
	deps      atomic.Pointer[TelegramDeps]
}

func newTelegram(s *Service) *Telegram {
	return &Telegram{svc: s, db: s.db, log: s.log, now: func() time.Time { return s.now() },
		translate: s.deps.Translate, directory: s.deps.Directory}
}

// Telegram is the service's Telegram part.
func (s *Service) Telegram() *Telegram { return s.tg }

// Wire gives staff in Telegram its ports; until then the Telegram copies
// of notices are skipped.
func (s *Telegram) Wire(d TelegramDeps) { s.deps.Store(&d) }

type pendingTG struct{ id, userID, kind, key, text, link string }

// sendPending sends up to a batch of pending Telegram copies. Like an
// e-mail, a copy is claimed ('pending' → 'sending') by one node before it
// is sent, so none is sent twice; without a linked account it is skipped.
func (s *Telegram) sendPending(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, user_id, kind, event_key, text, link FROM notify_items WHERE tg_state = 'pending' ORDER BY id LIMIT 50`)
	if err != nil {
		return err
	}
	var list []pendingTG
	for rows.Next() {
		var p pendingTG
		if err := rows.Scan(&p.id, &p.userID, &p.kind, &p.key, &p.text, &p.link); err != nil {
			rows.Close()
			return err
		}
		list = append(list, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(list) == 0 {
		return err
	}
	tg := s.deps.Load()
	for _, p := range list {
		var l tgLink
		err := errNotLinked
		if tg != nil {
			l, err = s.linkOf(ctx, p.userID)
		}
		if errors.Is(err, errNotLinked) {
			if _, err := s.markTG(ctx, p.id, "pending", "skipped"); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if ok, err := s.markTG(ctx, p.id, "pending", "sending"); err != nil || !ok {
			if err != nil {
				return err
			}
			continue // another node took it
		}
		state, msgID := s.sendTG(ctx, tg, l, p)
		if _, err := s.db.ExecContext(ctx, `UPDATE notify_items SET tg_state = $1, tg_message = $2 WHERE id = $3 AND tg_state = 'sending'`,
			state, msgID, p.id); err != nil {
			return fmt.Errorf("notify: Telegram state: %w", err)
		}
	}
	return nil
}

// sendTG sends one notice to its person's chat and says how it went.
func (s *Telegram) sendTG(ctx context.Context, tg *TelegramDeps, l tgLink, p pendingTG) (string, int) {
	r, err := s.directory.Recipient(ctx, p.userID)
	if err != nil || r.Disabled {
		return "skipped", 0
	}
	t := s.translate
	var text strings.Builder
	text.WriteString("🔔 " + t(r.Lang, "notify.kind."+p.kind) + "\n" + p.text)
	if base := *s.svc.base.Load(); base != "" && p.link != "" {
		text.WriteString("\n\n" + base + p.link)
	}
	var buttons []Button
	if tg.Actions != nil {
		acts, err := tg.Actions.Offer(ctx, p.userID, p.kind, p.key)
		if err != nil {
			s.log.Warn("notice buttons not made", "notice", p.id, "err", err)
		}
		for _, a := range acts {
			if data := pressData(p.id, a.ID); len(data) <= 64 {
				buttons = append(buttons, Button{Text: s.actionLabel(r.Lang, a), Data: data})
			}
		}
	}
	id, err := tg.Sender.SendStaff(ctx, l.channelID, l.chat, text.String(), buttons)
	if err != nil {
		s.log.Warn("notice not sent to Telegram", "notice", p.id, "err", err)
		return "failed", 0
	}
	return "sent", id
}

func (s *Telegram) actionLabel(lang string, a Action) string {
	if a.Label != "" {
		return a.Label
	}
	return s.translate(lang, "tgbot.action."+a.ID)
}

// pressData is a button's callback data: the notice and the action.
func pressData(itemID, action string) string { return "n:" + itemID + ":" + action }

func parsePress(data string) (itemID, action string, ok bool) {
	rest, ok := strings.CutPrefix(data, "n:")
	if !ok {
		return "", "", false
	}
	itemID, action, ok = strings.Cut(rest, ":")
	if !ok || itemID == "" || action == "" {
		return "", "", false
	}
	return itemID, action, true
}

func (s *Telegram) markTG(ctx context.Context, id, from, to string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE notify_items SET tg_state = $1 WHERE id = $2 AND tg_state = $3`, to, id, from)
	if err != nil {
		return false, fmt.Errorf("notify: Telegram state: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
