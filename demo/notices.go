package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/org"
)

// fillNotices leaves on the bells what the demo's own flows do not ring:
// documents' tasks and appeals given to people notify by themselves (the
// workflow and the CRM are built with the notification centre), but a
// mention in a note, an offered conversation and a failing channel need
// a live console, a router and a connector. The keys are the ones the
// hub's own sources use, so a running hub does not repeat them.
func fillNotices(ctx context.Context, e Env, sc access.Scope) error {
	if e.Notify == nil {
		return nil
	}
	login := func(l string) (org.User, error) {
		rec, err := e.Org.AuthByLogin(ctx, l)
		return rec.User, err
	}
	conv := func(name string) (inbox.Conversation, error) {
		cs, err := e.Inbox.Conversations.List(ctx, sc, inbox.ConversationFilter{Query: name, Limit: 1})
		if err != nil || len(cs) == 0 {
			return inbox.Conversation{}, fmt.Errorf("conversation of %s: %v", name, err)
		}
		return cs[0], nil
	}
	op1, err := login("operator1")
	if err != nil {
		return err
	}
	op2, err := login("operator2")
	if err != nil {
		return err
	}
	safin, err := conv("Сафин")
	if err != nil {
		return err
	}
	waiting, err := conv("Ермакова")
	if err != nil {
		return err
	}
	notices := []notify.Notice{
		{Key: "demo-mention:" + safin.ID, UserID: op1.ID, Kind: notify.Mention, Text: op2.FullName + " · " + safin.ContactName,
			Link: inbox.ConversationLink(safin.ID)},
		{Key: "inbox-offer:" + waiting.ID, UserID: op2.ID, Kind: notify.ConversationOffered, Text: waiting.ContactName + " · Горячая линия федерации",
			Link: inbox.ConversationLink(waiting.ID)},
	}
	// The application's channel fails: its webhook answers 502. The
	// administrators' home page shows it and their bell rings.
	legal, err := conv("Тарасова")
	if err != nil {
		return err
	}
	ch, err := e.Inbox.Channels.Get(ctx, legal.ChannelID)
	if err != nil {
		return err
	}
	failedAt := time.Now().Add(-40 * time.Minute).UnixMilli()
	if err := e.Inbox.Channels.ReportStatus(ctx, ch.ID, inbox.ChannelStatus{FailedCode: "webhook_failing", FailedAt: failedAt,
		FailedReason: "сервер приложения отвечает 502 Bad Gateway", LastError: "POST /hook: 502 Bad Gateway", LastErrorAt: failedAt}); err != nil {
		return err
	}
	admins, err := e.Org.ListUsers(ctx, sc, org.UserFilter{Role: access.Administrator, Limit: 10})
	if err != nil {
		return err
	}
	for _, a := range admins {
		notices = append(notices, notify.Notice{Key: "channel-failing:" + ch.ID + ":" + strconv.FormatInt(failedAt, 10), UserID: a.ID,
			Kind: notify.ChannelFailing, Text: ch.Name + " · сервер приложения отвечает 502 Bad Gateway", Link: "/settings/lines"})
	}
	for _, n := range notices {
		if _, err := e.Notify.Record(ctx, nil, n); err != nil {
			return err
		}
	}
	return nil
}
