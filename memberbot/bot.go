package memberbot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// The menu's buttons, as the member sees and presses them. The commands
// (/card …) do the same in Telegram's command menu.
const (
	BtnAsk      = "Задать вопрос"
	BtnAppeals  = "Мои обращения"
	BtnCard     = "Электронный профбилет"
	BtnOrg      = "Моя организация"
	BtnSubs     = "Подписки"
	BtnOperator = "Связаться с оператором"
	BtnUnlink   = "Отвязать карточку"
	BtnMenu     = "Меню"
)

// Menu is the menu's rows.
var Menu = [][]string{{BtnAsk, BtnAppeals}, {BtnCard, BtnOrg}, {BtnSubs, BtnOperator}}

// Commands are Telegram's commands for the menu's actions.
var Commands = map[string]string{"/ask": BtnAsk, "/appeals": BtnAppeals, "/card": BtnCard, "/org": BtnOrg,
	"/subs": BtnSubs, "/operator": BtnOperator, "/menu": BtnMenu, "/start": BtnMenu, "/unlink": BtnUnlink,
	"начать": BtnMenu, "меню": BtnMenu} // VK's own start button says "Начать"

// CommandMenu is Telegram's command menu of the office, in order.
var CommandMenu = [][2]string{{"menu", "Меню бота"}, {"ask", "Задать вопрос"}, {"appeals", "Мои обращения"},
	{"card", "Электронный профбилет"}, {"org", "Моя организация"}, {"subs", "Подписки на рассылки"},
	{"operator", "Связаться с оператором"}, {"unlink", "Отвязать карточку от этого чата"}}

// Actions counted in the statistics.
const (
	ActMenu     = "menu"
	ActAsk      = "ask"
	ActAppeals  = "appeals"
	ActCard     = "card"
	ActOrg      = "org"
	ActSubs     = "subscriptions"
	ActOperator = "operator"
	ActLink     = "linked"
	ActUnlink   = "unlinked"
)

// Message is a member's private message as a connector hands it over.
type Message struct {
	Kind      string // telegram, vk
	ChannelID string
	UserID    string // the messenger's user id
	ChatID    string
	Text      string
	// Phone is a number the messenger vouches is the sender's own
	// (Telegram's contact button); a typed number comes as Text.
	Phone string
	// ForeignContact is a contact card that is not the sender's own.
	ForeignContact bool
}

// Reply is what the bot answers: a text, the menu keyboard (Keyboard
// rows; AskPhone adds Telegram's "share my phone" button) and, for the
// card, a PNG image.
type Reply struct {
	Text     string
	Keyboard [][]string
	AskPhone bool
	Image    []byte
}

// ErrNotMember refuses a card to a person who is not a member in good standing.
var ErrNotMember = errors.New("memberbot: not a member in good standing")

// Handle takes a member's private message before the inbox: handled
// false leaves it for the inbox (free text, "Связаться с оператором").
func (s *Service) Handle(ctx context.Context, m Message) (Reply, bool, error) {
	text := strings.TrimSpace(m.Text)
	cmd, _, _ := strings.Cut(text, " ")
	if !strings.HasPrefix(cmd, "/") {
		cmd = text // a word command ("Начать") only alone, never a sentence's first word
	}
	btn := text
	if b, ok := Commands[strings.ToLower(cmd)]; ok {
		btn = b
	}
	p, perr := s.store.pendingOf(ctx, m.ChannelID, m.UserID)
	if perr != nil && !errors.Is(perr, db.ErrNotFound) {
		return Reply{}, false, perr
	}
	waiting := perr == nil && p.expiresAt > s.now().UnixMilli()
	switch {
	case (m.Phone != "" || m.ForeignContact) && waiting:
		// Only while a linking waits for it: a contact shared otherwise
		// is a message for the operator (the inbox links a shared phone
		// to the conversation's contact by itself).
		if r, ok := s.allow(ctx, m); !ok {
			return r, true, nil
		}
		return s.phoneShared(ctx, m, m.Phone)
	case waiting && p.step == "phone" && looksLikePhone(text):
		return s.phoneShared(ctx, m, text)
	case waiting && p.step == "code" && looksLikeCode(text):
		return s.codeTyped(ctx, m, p, text)
	}
	if q, ok := orgQuery(text); ok {
		if r, ok := s.allow(ctx, m); !ok {
			return r, true, nil
		}
		s.count(ctx, m.Kind, ActOrg)
		return s.orgSearch(ctx, q)
	}
	if subs, ok := s.subsToggle(btn); ok {
		if r, ok := s.allow(ctx, m); !ok {
			return r, true, nil
		}
		return s.toggle(ctx, m, subs)
	}
	act, known := map[string]string{BtnMenu: ActMenu, BtnAsk: ActAsk, BtnAppeals: ActAppeals, BtnCard: ActCard, BtnOrg: ActOrg,
		BtnSubs: ActSubs, BtnOperator: ActOperator, BtnUnlink: ActUnlink}[btn]
	if !known {
		return Reply{}, false, nil // free text: the inbox's
	}
	if r, ok := s.allow(ctx, m); !ok {
		return r, true, nil
	}
	s.count(ctx, m.Kind, act)
	switch act {
	case ActMenu:
		return s.menuReply("Здравствуйте! Это бот профсоюза. Выберите, что нужно, или просто напишите вопрос — его получит оператор."), true, nil
	case ActAsk:
		return s.menuReply("Напишите ваш вопрос одним сообщением — его получит оператор."), true, nil
	case ActOperator:
		return Reply{}, false, nil // goes to the queue as the member's message
	}
	l, err := s.store.linkOf(ctx, m.ChannelID, m.UserID)
	if errors.Is(err, db.ErrNotFound) {
		if act == ActUnlink {
			return s.menuReply("Этот чат не привязан к карточке."), true, nil
		}
		r, handled, err := s.askPhone(ctx, m)
		if act == ActOrg {
			r.Text += "\n\nНайти организацию можно и без привязки: напишите «Организация» и часть названия, например «Организация школа № 5»."
		}
		return r, handled, err
	}
	if err != nil {
		return Reply{}, true, err
	}
	mem, err := s.d.Members.Member(ctx, l.MemberID)
	if errors.Is(err, db.ErrNotFound) {
		_ = s.store.unlink(ctx, l.ID)
		return s.askPhone(ctx, m)
	}
	if err != nil {
		return Reply{}, true, err
	}
	switch act {
	case ActAppeals:
		return s.appealsReply(ctx, mem)
	case ActCard:
		return s.cardReply(ctx, mem)
	case ActOrg:
		return s.orgReply(ctx, mem)
	case ActSubs:
		return s.subsReply(mem), true, nil
	default: // ActUnlink
		if err := s.store.unlink(ctx, l.ID); err != nil {
			return Reply{}, true, err
		}
		s.log.Info("member unlinked a chat", "member", mem.ID, "channel", m.ChannelID)
		return s.menuReply("Карточка отвязана от этого чата. Чтобы снова открыть профбилет и обращения, пройдите привязку заново."), true, nil
	}
}

func (s *Service) menuReply(text string) Reply { return Reply{Text: text, Keyboard: Menu} }

// allow counts a press against the flood limit: past it the bot says so
// once, then stays silent until the minute is over.
func (s *Service) allow(ctx context.Context, m Message) (Reply, bool) {
	if s.d.KV == nil {
		return Reply{}, true
	}
	k := s.d.KV.Key("memberbot", "presses", m.ChannelID, m.UserID, strconv.FormatInt(s.now().Unix()/60, 10))
	n, err := s.d.KV.Incr(ctx, k).Result()
	if err != nil {
		return Reply{}, true // the office is not shut for a Redis hiccup
	}
	if n == 1 {
		s.d.KV.Expire(ctx, k, 2*time.Minute)
	}
	switch {
	case n <= int64(s.limits.pressesPerM):
		return Reply{}, true
	case n == int64(s.limits.pressesPerM)+1:
		s.log.Info("menu presses over the limit", "channel", m.ChannelID, "user", m.UserID)
		return Reply{Text: "Слишком много запросов подряд. Подождите минуту и попробуйте снова."}, false
	}
	return Reply{}, false
}

func (s *Service) count(ctx context.Context, kind, act string) {
	if err := s.store.count(ctx, s.now().In(s.zone).Format("2006-01-02"), kind, act); err != nil {
		s.log.Warn("menu action not counted", "action", act, "err", err)
	}
}

// Stats are the menu actions counted in [from, to) (YYYY-MM-DD).
func (s *Service) Stats(ctx context.Context, from, to string) ([]ActionCount, error) {
	return s.store.counts(ctx, from, to)
}

func (s *Service) cardReply(ctx context.Context, m Member) (Reply, bool, error) {
	if !m.Active() {
		return s.menuReply("По данным профсоюза вы сейчас не состоите в профсоюзе, поэтому электронный профбилет не выдаётся. " +
			"Если это ошибка, нажмите «Связаться с оператором»."), true, nil
	}
	c, err := s.Cards.IssueCard(ctx, m)
	if err != nil {
		return Reply{}, true, err
	}
	img, err := s.Cards.CardImage(ctx, m, c)
	if err != nil {
		return Reply{}, true, err
	}
	return Reply{Image: img, Keyboard: Menu, Text: fmt.Sprintf("Ваш электронный профбилет № %s, действителен до %s.\nПроверка: %s",
		cardNumber(m, c), c.ExpiresAt.In(s.zone).Format("02.01.2006"), s.Cards.VerifyURL(c.Token))}, true, nil
}

func cardNumber(m Member, c Card) string {
	if m.CardNumber != "" {
		return m.CardNumber
	}
	return strings.ToUpper(strings.ReplaceAll(c.ID, "-", "")[20:])
}

// AddCounts adds n presses of an action on a day (YYYY-MM-DD) to the
// statistics: the demo's weeks of history.
func (s *Service) AddCounts(ctx context.Context, day, kind, action string, n int) error {
	return s.store.addCount(ctx, day, kind, action, n)
}
