package hub

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/profhub/profhub/connectors/telegram"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/workflow"
)

// Staff in Telegram: the notification centre sends through the Telegram
// connector and acts, when a button is pressed, through the same workflow
// and inbox services the web uses, with the person's own scope. The
// connector hands staff members' messages and presses to the centre
// (telegramStaff). Neither package imports the other.

// wireStaffTelegram gives the notification centre its Telegram ports,
// once the connector and the domains exist.
func (h *Hub) wireStaffTelegram() {
	h.Notify.Telegram().Wire(notify.TelegramDeps{Sender: staffSender{h}, Actions: staffActions{h}, Bots: h.staffBots})
}

// staffBots are the enabled Telegram channels whose bot name is known.
func (h *Hub) staffBots(ctx context.Context) ([]notify.Bot, error) {
	chs, err := h.Inbox.Channels.OfKind(ctx, inbox.KindTelegram)
	if err != nil {
		return nil, err
	}
	out := []notify.Bot{}
	for _, ch := range chs {
		if u := ch.Settings["bot_username"]; u != "" {
			out = append(out, notify.Bot{ChannelID: ch.ID, Username: u, Name: ch.Settings["bot_name"]})
		}
	}
	return out, nil
}

type staffSender struct{ h *Hub }

func (s staffSender) SendStaff(ctx context.Context, channelID string, chat int64, text string, buttons []notify.Button) (int, error) {
	bs := make([]telegram.StaffButton, len(buttons))
	for i, b := range buttons {
		bs[i] = telegram.StaffButton{Text: b.Text, Data: b.Data}
	}
	return s.h.telegram.SendStaff(ctx, channelID, chat, text, bs)
}

// telegramStaff is the notification centre as the Telegram connector
// hears staff members.
type telegramStaff struct{ h *Hub }

func (t telegramStaff) StaffMessage(ctx context.Context, channelID string, from, chat int64, name, text string) (telegram.StaffReply, bool, error) {
	r, handled, err := t.h.Notify.Telegram().BotMessage(ctx, channelID, from, chat, name, text)
	return telegram.StaffReply(r), handled, err
}

func (t telegramStaff) StaffPress(ctx context.Context, channelID string, from int64, data string) (telegram.StaffReply, error) {
	r, err := t.h.Notify.Telegram().BotPress(ctx, channelID, from, data)
	return telegram.StaffReply(r), err
}

func (t telegramStaff) IsStaff(ctx context.Context, channelID string, from int64) (bool, error) {
	return t.h.Notify.Telegram().BotLinked(ctx, channelID, from)
}

// staffActions are the buttons' actions: a document's quick decisions
// (approve, return, "acquainted") and taking an offered conversation.
type staffActions struct{ h *Hub }

// scope is the person's own access, as their web session would have it.
func (a staffActions) scope(ctx context.Context, userID string) (access.Scope, error) {
	u, err := a.h.Org.AuthByID(ctx, userID)
	if err != nil {
		return access.Scope{}, err
	}
	if u.Disabled {
		return access.Scope{}, fmt.Errorf("%w: the account is disabled", access.ErrForbidden)
	}
	return u.Scope("telegram"), nil
}

func (a staffActions) Offer(ctx context.Context, userID, kind, key string) ([]notify.Action, error) {
	sc, err := a.scope(ctx, userID)
	if err != nil {
		return nil, err
	}
	switch kind {
	case notify.DocumentApproval, notify.DocumentAcquaintance:
		taskID, ok := strings.CutPrefix(key, "wf-task:")
		if !ok {
			return nil, nil
		}
		_, decs, err := a.h.Docs.Tasks.QuickDecisions(ctx, sc, taskID)
		if errors.Is(err, db.ErrNotFound) {
			return nil, nil // decided meanwhile
		}
		out := make([]notify.Action, 0, len(decs))
		for _, d := range decs {
			out = append(out, notify.Action{ID: d.ID, Label: d.Label, NeedComment: d.NeedComment})
		}
		return out, err
	case notify.ConversationOffered:
		convID, ok := strings.CutPrefix(key, "inbox-offer:")
		if !ok {
			return nil, nil
		}
		conv, err := a.h.Inbox.Conversations.Get(ctx, sc, convID)
		if errors.Is(err, db.ErrNotFound) || errors.Is(err, access.ErrForbidden) {
			return nil, nil
		}
		if err != nil || conv.Status != inbox.StatusWaiting {
			return nil, err
		}
		return []notify.Action{{ID: "take"}}, nil
	}
	return nil, nil
}

func (a staffActions) Do(ctx context.Context, userID, kind, key, action, comment string) error {
	sc, err := a.scope(ctx, userID)
	if err != nil {
		return err
	}
	if convID, ok := strings.CutPrefix(key, "inbox-offer:"); ok && action == "take" {
		return a.take(ctx, sc, convID)
	}
	taskID, ok := strings.CutPrefix(key, "wf-task:")
	if !ok {
		return notify.ErrActionGone
	}
	t, _, err := a.h.Docs.Tasks.QuickDecisions(ctx, sc, taskID)
	if errors.Is(err, db.ErrNotFound) {
		return notify.ErrActionGone
	}
	if err != nil {
		return err
	}
	_, err = a.h.Docs.Engine.Decide(ctx, sc, t.DocumentID, workflow.DecisionInput{Decision: action, Comment: comment})
	if errors.Is(err, workflow.ErrConflict) {
		return notify.ErrActionGone
	}
	return err
}

// take accepts the offer, or takes the conversation from the queue when
// the offer has passed on and the person answers its line.
func (a staffActions) take(ctx context.Context, sc access.Scope, convID string) error {
	_, err := a.h.Inbox.Routing.Accept(ctx, sc, convID)
	if errors.Is(err, inbox.ErrNoOffer) {
		_, err = a.h.Inbox.Routing.Take(ctx, sc, convID)
	}
	if errors.Is(err, inbox.ErrNotWaiting) {
		return notify.ErrActionGone
	}
	return err
}
