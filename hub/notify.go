package hub

import (
	"context"
	"strings"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/settings"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/web/i18n"
	"github.com/profhub/profhub/workflow"
)

// The notification centre (package notify) hears the domains through
// their own Alerter ports, satisfied here; no domain imports notify. It
// mails through the same late-bound mail connector and mail channel as
// the workflow's outgoing documents.

func (h *Hub) newNotify(ctx context.Context) *notify.Service {
	return notify.New(notify.Deps{DB: h.DB, Log: h.Log, Mailer: notifyMail{h.mailLate}, Push: h.newPusher(ctx),
		MailChannel: func(ctx context.Context) (string, error) {
			return settings.Get(ctx, h.DB, workflow.SettingMailChannel, "")
		},
		Directory: notifyDirectory{h}, Translate: i18n.T, BaseURL: h.Config.BaseURL})
}

type notifyMail struct{ m *lateMail }

func (n notifyMail) SendLetter(ctx context.Context, channel, to, subject, text string) error {
	_, err := n.m.SendLetterWithFiles(ctx, channel, to, subject, text, nil)
	return err
}

type notifyDirectory struct{ h *Hub }

func (d notifyDirectory) Recipient(ctx context.Context, userID string) (notify.Recipient, error) {
	u, err := d.h.Org.AuthByID(ctx, userID)
	if err != nil {
		return notify.Recipient{}, err
	}
	return notify.Recipient{Name: u.FullName, Email: u.Email, Lang: u.Lang, Disabled: u.Disabled}, nil
}

// WorkflowAlerts is the notification centre as the workflow hears it
// (tasks and deadlines of documents), for the command line's demo too.
func WorkflowAlerts(n *notify.Service) workflow.Alerter { return workflowAlerts{n} }

// CRMAlerts is the notification centre as the CRM hears it (appeals given
// to people).
func CRMAlerts(n *notify.Service) crm.Alerter { return crmAlerts{n} }

type workflowAlerts struct{ n *notify.Service }

func (a workflowAlerts) Alert(ctx context.Context, tx db.Execer, al workflow.Alert) error {
	_, err := a.n.Record(ctx, tx, notify.Notice{Key: al.Key, UserID: al.UserID, Kind: al.Kind, Text: al.Text, Link: al.Link})
	return err
}

type crmAlerts struct{ n *notify.Service }

func (a crmAlerts) Alert(ctx context.Context, tx db.Execer, al crm.Alert) error {
	_, err := a.n.Record(ctx, tx, notify.Notice{Key: al.Key, UserID: al.UserID, Kind: al.Kind, Text: al.Text, Link: al.Link})
	return err
}

// inboxAlerts: offers, transfers and mentions in operators' notes.
type inboxAlerts struct{ h *Hub }

func (a inboxAlerts) Alert(ctx context.Context, tx db.Execer, al inbox.Alert) error {
	_, err := a.h.Notify.Record(ctx, tx, notify.Notice{Key: al.Key, UserID: al.UserID, Kind: al.Kind, Text: al.Text, Link: al.Link})
	return err
}

// ChannelFailed tells the administrators that a connector stopped a channel.
func (a inboxAlerts) ChannelFailed(ctx context.Context, channelID string) error {
	return a.h.channelFailed(ctx, channelID)
}

// Mentioned notifies the people named in a note who may see its
// conversation: a login outside the conversation's lines and units hears
// nothing, so a mention never shows a conversation to someone who could
// not open it.
func (a inboxAlerts) Mentioned(ctx context.Context, conv inbox.Conversation, noteID, authorID string, logins []string) error {
	author := ""
	if u, err := a.h.Org.AuthByID(ctx, authorID); err == nil {
		author = u.FullName
	}
	for _, login := range logins {
		u, err := a.h.Org.AuthByLogin(ctx, login)
		if err != nil || u.Disabled || u.ID == authorID {
			continue
		}
		if _, err := a.h.Inbox.Conversations.Get(ctx, u.Scope("mention"), conv.ID); err != nil {
			continue // not theirs to see
		}
		_, err = a.h.Notify.Record(ctx, nil, notify.Notice{Key: "inbox-mention:" + noteID, UserID: u.ID, Kind: notify.Mention,
			Text: author + " · " + conv.ContactName, Link: inbox.ConversationLink(conv.ID)})
		if err != nil {
			return err
		}
	}
	return nil
}

// appealNotices sends the CRM's appeal deadline notices to both lists: the
// documents' notification list (as before) and the bell. Both run in the
// sweep's transaction, which marks the appeal noticed for its due date.
type appealNotices struct {
	docs *workflow.Notices
	n    *notify.Service
}

func (a appealNotices) NotifyAppeal(ctx context.Context, tx db.Execer, userID, appealID, kind, text string) error {
	if err := a.docs.NotifyAppeal(ctx, tx, userID, appealID, kind, text); err != nil {
		return err
	}
	k := notify.DeadlineOverdue
	if kind == "reminder" {
		k = notify.DeadlineTomorrow
	}
	if _, what, ok := strings.Cut(text, ": "); ok {
		text = what // the number and subject, without the list's wording
	}
	_, err := a.n.Record(ctx, tx, notify.Notice{Key: "crm-" + kind + ":" + appealID + ":" + time.Now().Format(time.DateOnly),
		UserID: userID, Kind: k, Text: text, Link: crm.AppealLink(appealID)})
	return err
}

func (a appealNotices) UnitHeads(ctx context.Context, tx db.Execer, unitID string) ([]string, error) {
	return a.docs.UnitHeads(ctx, tx, unitID)
}
