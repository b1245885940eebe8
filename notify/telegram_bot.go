package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
)

// The staff side of a bot: what the Telegram connector hands here before
// it treats a private message as a member's. Link codes, the comments a
// button asked for and anything else a linked staff member writes are
// answered here and never become conversations in the inbox.

// BotReply is what the bot does in answer: a message to the chat (with a
// request for an answer), a short answer to a pressed button (Toast), and
// a message whose buttons go: the notice's (Clear, a message id) or, for
// a press, the pressed one (ClearPressed: the press may come before this
// node stored the notice's message id).
type BotReply struct {
	Text         string
	ForceReply   bool
	Toast        string
	Clear        int
	ClearPressed bool
}

// awaitTTL is how long a button that asked for a comment waits for it.
const awaitTTL = 30 * time.Minute

// BotMessage takes a private text message to bot channelID from Telegram
// user from in chat. handled is false when it is a member's message for
// the inbox: everything but a link code or a linked staff member's.
func (s *Telegram) BotMessage(ctx context.Context, channelID string, from, chat int64, name, text string) (BotReply, bool, error) {
	text = strings.TrimSpace(text)
	start, payload := false, text
	if rest, ok := strings.CutPrefix(text, "/start"); ok && (rest == "" || rest[0] == ' ') {
		start, payload = true, strings.TrimSpace(rest)
	}
	if looksLikeCode(payload) {
		userID, err := s.redeem(ctx, payload, channelID, from, chat, name)
		var refused codeRefusal
		switch {
		case errors.As(err, &refused) && refused == codeUnknown && !start:
			// Eight letters typed by a member are not a code unless one
			// was made: on to the inbox.
		case errors.As(err, &refused):
			return BotReply{Text: s.translate("ru", string(refused))}, true, nil
		case err != nil:
			return BotReply{}, true, err
		default:
			r, err := s.directory.Recipient(ctx, userID)
			if err != nil {
				return BotReply{}, true, err
			}
			return BotReply{Text: s.translate(r.Lang, "tgbot.linked", r.Name)}, true, nil
		}
	}
	l, err := s.linkByAccount(ctx, channelID, from)
	if errors.Is(err, errNotLinked) {
		if start && payload != "" {
			return BotReply{Text: s.translate("ru", string(codeUnknown))}, true, nil
		}
		return BotReply{}, false, nil
	}
	if err != nil {
		return BotReply{}, true, err
	}
	lang := s.lang(ctx, l.userID)
	if l.awaitItem == "" || l.awaitAt < s.now().Add(-awaitTTL).UnixMilli() || start {
		return BotReply{Text: s.translate(lang, "tgbot.help")}, true, nil
	}
	if err := s.setAwait(ctx, l.userID, "", ""); err != nil {
		return BotReply{}, true, err
	}
	if low := strings.ToLower(text); low == "/cancel" || low == "отмена" {
		return BotReply{Text: s.translate(lang, "tgbot.cancelled")}, true, nil
	}
	rep, err := s.act(ctx, l, lang, l.awaitItem, l.awaitAc, text)
	rep.Text, rep.Toast = rep.Toast, ""
	return rep, true, err
}

// BotLinked says whether Telegram user from is linked to a person on bot
// channelID.
func (s *Telegram) BotLinked(ctx context.Context, channelID string, from int64) (bool, error) {
	_, err := s.linkByAccount(ctx, channelID, from)
	if errors.Is(err, errNotLinked) {
		return false, nil
	}
	return err == nil, err
}

// BotPress takes a pressed button of a notice. Only the account linked to
// the notice's person may press it, and a press acts once.
func (s *Telegram) BotPress(ctx context.Context, channelID string, from int64, data string) (BotReply, error) {
	itemID, action, ok := parsePress(data)
	if !ok {
		return BotReply{Toast: s.translate("ru", "tgbot.unknown_button")}, nil
	}
	l, err := s.linkByAccount(ctx, channelID, from)
	if errors.Is(err, errNotLinked) {
		return BotReply{Toast: s.translate("ru", "tgbot.not_linked")}, nil
	}
	if err != nil {
		return BotReply{}, err
	}
	lang := s.lang(ctx, l.userID)
	it, err := s.pressItem(ctx, l.userID, itemID)
	if err != nil {
		return BotReply{Toast: s.translate(lang, "tgbot.unknown_button")}, nil
	}
	if it.done != "" {
		return BotReply{Toast: s.translate(lang, "tgbot.already_done"), Clear: it.message, ClearPressed: true}, nil
	}
	a, ok, err := s.offered(ctx, l.userID, it, action)
	if err != nil {
		return s.failed(lang, itemID, action, err), nil
	}
	if !ok {
		return BotReply{Toast: s.translate(lang, "tgbot.already_done"), Clear: it.message, ClearPressed: true}, nil
	}
	if a.NeedComment {
		if err := s.setAwait(ctx, l.userID, itemID, action); err != nil {
			return BotReply{}, err
		}
		return BotReply{Toast: s.translate(lang, "tgbot.comment_toast"), ForceReply: true,
			Text: s.translate(lang, "tgbot.comment_ask", s.actionLabel(lang, a), it.text)}, nil
	}
	return s.act(ctx, l, lang, itemID, action, "")
}

// pressedItem is a notice as a button press needs it.
type pressedItem struct {
	kind, key, text, done string
	message               int
}

func (s *Telegram) pressItem(ctx context.Context, userID, id string) (pressedItem, error) {
	var it pressedItem
	err := s.db.QueryRowContext(ctx, `SELECT kind, event_key, text, tg_done, tg_message FROM notify_items WHERE id = $1 AND user_id = $2`,
		id, userID).Scan(&it.kind, &it.key, &it.text, &it.done, &it.message)
	if err != nil {
		return it, fmt.Errorf("notify: pressed notice: %w", err)
	}
	return it, nil
}

// offered finds action among what the notice's thing offers now.
func (s *Telegram) offered(ctx context.Context, userID string, it pressedItem, action string) (Action, bool, error) {
	tg := s.deps.Load()
	if tg == nil || tg.Actions == nil {
		return Action{}, false, nil
	}
	acts, err := tg.Actions.Offer(ctx, userID, it.kind, it.key)
	if err != nil {
		return Action{}, false, err
	}
	i := slices.IndexFunc(acts, func(a Action) bool { return a.ID == action })
	if i < 0 {
		return Action{}, false, nil
	}
	return acts[i], true, nil
}

// act claims the notice's button (once: a second press or a second node
// finds it taken) and does the action as the person.
func (s *Telegram) act(ctx context.Context, l tgLink, lang, itemID, action, comment string) (BotReply, error) {
	it, err := s.pressItem(ctx, l.userID, itemID)
	if err != nil {
		return BotReply{Toast: s.translate(lang, "tgbot.unknown_button")}, nil
	}
	a, ok, err := s.offered(ctx, l.userID, it, action)
	if err != nil {
		return s.failed(lang, itemID, action, err), nil
	}
	if !ok || it.done != "" {
		return BotReply{Toast: s.translate(lang, "tgbot.already_done"), Clear: it.message, ClearPressed: true}, nil
	}
	res, err := s.db.ExecContext(ctx, `UPDATE notify_items SET tg_done = $1 WHERE id = $2 AND user_id = $3 AND tg_done = ''`, action, itemID, l.userID)
	if err != nil {
		return BotReply{}, fmt.Errorf("notify: claim a button: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return BotReply{Toast: s.translate(lang, "tgbot.already_done"), Clear: it.message, ClearPressed: true}, nil
	}
	err = s.deps.Load().Actions.Do(ctx, l.userID, it.kind, it.key, action, comment)
	switch {
	case errors.Is(err, ErrActionGone):
		return BotReply{Toast: s.translate(lang, "tgbot.already_done"), Clear: it.message, ClearPressed: true}, nil
	case err != nil:
		// Not done: the button may be pressed again.
		if _, rerr := s.db.ExecContext(ctx, `UPDATE notify_items SET tg_done = '' WHERE id = $1`, itemID); rerr != nil {
			s.log.Warn("a button's claim not released", "notice", itemID, "err", rerr)
		}
		return s.failed(lang, itemID, action, err), nil
	}
	return BotReply{Toast: s.translate(lang, "tgbot.done", s.actionLabel(lang, a)), Clear: it.message, ClearPressed: true}, nil
}

// failed answers a press whose action could not be done, with the reason
// as the web would give it. It is not an error of the update: Telegram
// redelivering the press would not make it work.
func (s *Telegram) failed(lang, itemID, action string, err error) BotReply {
	s.log.Warn("a Telegram button's action failed", "notice", itemID, "action", action, "err", err)
	return BotReply{Toast: s.translate(lang, "tgbot.failed", s.errText(context.Background(), lang, err))}
}

// errText is an action's error as the person reads it, as the web would
// show it to them.
func (s *Telegram) errText(ctx context.Context, lang string, err error) string {
	_, code, msg, _ := httpapi.Classify(err)
	ctx = httpapi.WithTranslator(ctx, func(_ context.Context, key string, args ...any) (string, bool) {
		t := s.translate(lang, key, args...)
		return t, t != key
	})
	return httpapi.Message(ctx, err, code, msg)
}

func (s *Telegram) setAwait(ctx context.Context, userID, itemID, action string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE notify_tg_links SET await_item = $1, await_action = $2, await_at = $3 WHERE user_id = $4`,
		itemID, action, s.now().UnixMilli(), userID)
	if err != nil {
		return fmt.Errorf("notify: await a comment: %w", err)
	}
	return nil
}

func (s *Telegram) lang(ctx context.Context, userID string) string {
	if r, err := s.directory.Recipient(ctx, userID); err == nil && r.Lang != "" {
		return r.Lang
	}
	return "ru"
}
