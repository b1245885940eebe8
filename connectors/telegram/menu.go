package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/storage/db"
)

// The bot menu (optional, per bot channel, so per the line it serves):
// a member who writes while they have no open conversation gets the
// greeting and a keyboard of topics. What they write before choosing
// waits in SQL (telegram_menu_pending), out of the queue; the choice
// records the topic as the conversation's subject and may route it to
// another line. A member who never chooses is not lost: after
// menuTimeout the messages go to the channel's own line.
const (
	settingMenuGreeting = "menu_greeting"
	settingMenuTopics   = "menu_topics" // one topic a line: "Title" or "Title | line id"
	settingMenuPhone    = "menu_phone"  // "1": add a "share my phone" button

	maxTopics      = 10
	maxTopicRunes  = 60
	maxPendingChat = 20 // messages kept per chat before a choice
	menuTimeout    = 10 * time.Minute
	phoneButton    = "📱 Поделиться номером телефона"
)

type topic struct{ title, lineID string }

type menu struct {
	greeting string
	topics   []topic
	phone    bool
}

// parseMenu reads a channel's menu settings; nil when it has none.
func parseMenu(ch inbox.Channel) (*menu, error) {
	raw := strings.TrimSpace(ch.Settings[settingMenuTopics])
	if raw == "" {
		return nil, nil
	}
	m := &menu{greeting: strings.TrimSpace(ch.Settings[settingMenuGreeting]), phone: ch.Settings[settingMenuPhone] == "1"}
	if m.greeting == "" {
		m.greeting = "Здравствуйте! Выберите тему обращения:"
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(raw, "\n") {
		title, lineID, _ := strings.Cut(line, "|")
		title, lineID = strings.TrimSpace(title), strings.TrimSpace(lineID)
		switch {
		case title == "":
			continue
		case utf8.RuneCountInString(title) > maxTopicRunes:
			return nil, valid.Errorf("settings.menu_topics", "too_long", "topic %q is longer than %d characters", title, maxTopicRunes)
		case seen[title] || title == phoneButton:
			return nil, valid.Errorf("settings.menu_topics", "duplicate", "topic %q is listed twice", title)
		}
		seen[title] = true
		m.topics = append(m.topics, topic{title: title, lineID: lineID})
	}
	if len(m.topics) > maxTopics {
		return nil, valid.Errorf("settings.menu_topics", "too_many", "at most %d topics", maxTopics)
	}
	if len(m.topics) == 0 {
		return nil, nil
	}
	return m, nil
}

// checkMenu validates the menu settings when a channel is saved: every
// line a topic names must exist.
func (c *Connector) checkMenu(ctx context.Context, ch *inbox.Channel) error {
	m, err := parseMenu(*ch)
	if err != nil || m == nil {
		return err
	}
	for _, t := range m.topics {
		if t.lineID != "" && !c.inbox.Lines.Exists(ctx, t.lineID) {
			return valid.Errorf("settings.menu_topics", "line", "topic %q names line %s, which does not exist", t.title, t.lineID)
		}
	}
	return nil
}

func (m *menu) keyboard() *models.ReplyKeyboardMarkup {
	kb := &models.ReplyKeyboardMarkup{OneTimeKeyboard: true, ResizeKeyboard: true}
	for _, t := range m.topics {
		kb.Keyboard = append(kb.Keyboard, []models.KeyboardButton{{Text: t.title}})
	}
	if m.phone {
		kb.Keyboard = append(kb.Keyboard, []models.KeyboardButton{{Text: phoneButton, RequestContact: true}})
	}
	return kb
}

// route is where a message goes: the line (empty: the channel's) and the
// topic, recorded as the conversation's subject.
type route struct {
	lineID, subject string
	thread          *inbox.Thread // a comment on a channel post (comment.go)
}

// menuGate decides what happens to a new message under a menu. It returns
// the route when the message should be ingested now (a follow-up of an
// open conversation, or the topic choice, after the held messages), or
// held=true when it was kept waiting for a choice.
func (c *Connector) menuGate(ctx context.Context, ch inbox.Channel, b *bot.Bot, m *menu, u *models.Update, msg *models.Message) (route, bool, error) {
	chat := strconv.FormatInt(msg.Chat.ID, 10)
	if line, open, err := c.inbox.OpenConversationLine(ctx, ch.ID, chat); err != nil || open {
		return route{lineID: line}, false, err
	}
	for _, t := range m.topics {
		if strings.TrimSpace(msg.Text) == t.title {
			r := route{lineID: t.lineID, subject: t.title}
			return r, false, c.flushPending(ctx, ch, b, chat, r)
		}
	}
	body, err := json.Marshal(u)
	if err != nil {
		return route{}, false, fmt.Errorf("telegram: hold update: %w", err)
	}
	held, err := c.menus.heldCount(ctx, ch.ID, chat)
	if err != nil {
		return route{}, false, err
	}
	if held >= maxPendingChat {
		// A member typing on without choosing: what they write goes to
		// the channel's line after all, so nothing piles up unseen.
		return route{}, false, c.flushPending(ctx, ch, b, chat, route{})
	}
	added, err := c.menus.hold(ctx, ch.ID, chat, u.ID, body)
	if err != nil {
		return route{}, false, err
	}
	if added && held == 0 {
		// The first held message of a chat is answered with the menu; a
		// replay (n == 0) is not answered twice.
		if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: msg.Chat.ID, Text: m.greeting, ReplyMarkup: m.keyboard()}); err != nil {
			c.log.Warn("telegram menu not sent", "channel", ch.ID, "chat", chat, "err", redact(err.Error(), ch))
		}
	}
	return route{}, true, nil
}

// flushPending ingests a chat's held messages in order along r, then
// forgets them.
func (c *Connector) flushPending(ctx context.Context, ch inbox.Channel, b *bot.Bot, chat string, r route) error {
	list, err := c.menus.pending(ctx, ch.ID, chat)
	if err != nil {
		return err
	}
	for _, h := range list {
		var u models.Update
		if err := json.Unmarshal([]byte(h.body), &u); err == nil && u.Message != nil {
			if err := c.ingestMessage(ctx, ch, b, u.Message, false, r); err != nil {
				return err // kept; the next try starts again, deduplicated by ingest
			}
		}
		if err := c.menus.forget(ctx, ch.ID, h.id); err != nil {
			return err
		}
	}
	return nil
}

// sweepMenus sends the messages of members who did not choose a topic
// within menuTimeout to their channel's line.
func (c *Connector) sweepMenus(ctx context.Context) {
	due, err := c.menus.due(ctx, db.Now()-menuTimeout.Milliseconds())
	if err != nil {
		return
	}
	for _, k := range due {
		ch, err := c.inbox.Channels.Get(ctx, k.ch)
		if err != nil {
			continue
		}
		b, err := c.newBot(ch)
		if err != nil {
			continue
		}
		if err := c.flushPending(ctx, ch, b, k.chat, route{}); err != nil {
			c.log.Warn("telegram menu timeout: held messages not ingested", "channel", k.ch, "err", err)
		}
	}
}
