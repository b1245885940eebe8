package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/profhub/profhub/automation"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/webhooks"
)

// The automation (rules, macros, bulk actions) reaches the inbox through
// its ports: automationOperator joins the operators' actions of the
// inbox's services, automationCRM the member registry, automationNotices
// the bell.

func (h *Hub) newAutomation() *automation.Service {
	// The webhooks are built after the automation: the port finds them
	// when a rule first calls one.
	return NewAutomation(h.DB, h.Log, h.Inbox, h.CRM, h.Notify, automationWebhooks{h})
}

// NewAutomation builds the automation over the inbox, the CRM, the bell
// and the webhooks (nil: none, as in the demo).
func NewAutomation(d *db.DB, log *slog.Logger, i *inbox.Services, c *crm.Services, n *notify.Service, w automation.Webhooks) *automation.Service {
	return automation.New(automation.Deps{DB: d, Log: log, Inbox: i.Automation,
		Operator: automationOperator{i}, CRM: automationCRM{c, i}, Notifier: automationNotices{n}, Webhooks: w})
}

// automationWebhooks is the webhooks' outbox for the rules' webhook step.
type automationWebhooks struct{ h *Hub }

func (a automationWebhooks) service() (*webhooks.Service, error) {
	if a.h.Webhooks == nil {
		return nil, errors.New("hub: webhooks are not started")
	}
	return a.h.Webhooks, nil
}

func (a automationWebhooks) Webhook(ctx context.Context, id string) (automation.Webhook, error) {
	s, err := a.service()
	if err != nil {
		return automation.Webhook{}, err
	}
	t, err := s.Target(ctx, id)
	return automation.Webhook{ID: t.ID, Name: t.Name}, err
}

func (a automationWebhooks) Webhooks(ctx context.Context) ([]automation.Webhook, error) {
	s, err := a.service()
	if err != nil {
		return nil, err
	}
	ts, err := s.Targets(ctx)
	out := make([]automation.Webhook, len(ts))
	for i, t := range ts {
		out[i] = automation.Webhook{ID: t.ID, Name: t.Name}
	}
	return out, err
}

func (a automationWebhooks) Deliver(ctx context.Context, endpointID, eventID string, data any) error {
	s, err := a.service()
	if err != nil {
		return err
	}
	err = s.Deliver(ctx, endpointID, eventID, webhooks.AutomationRule, data)
	if errors.Is(err, webhooks.ErrNoEndpoint) {
		return fmt.Errorf("%w: %w", automation.ErrWebhookGone, err)
	}
	return err
}

type automationOperator struct{ s *inbox.Services }

func (o automationOperator) Get(ctx context.Context, sc access.Scope, id string) (inbox.Conversation, error) {
	return o.s.Conversations.Get(ctx, sc, id)
}

func (o automationOperator) Transfer(ctx context.Context, sc access.Scope, id string, in inbox.TransferInput) (inbox.Conversation, error) {
	return o.s.Routing.Transfer(ctx, sc, id, in)
}

func (o automationOperator) Close(ctx context.Context, sc access.Scope, id string) (inbox.Conversation, error) {
	return o.s.Actions.Close(ctx, sc, id)
}

func (o automationOperator) SetPriority(ctx context.Context, sc access.Scope, id string, p int) (inbox.Conversation, error) {
	return o.s.Actions.SetPriority(ctx, sc, id, p)
}

func (o automationOperator) SetLabel(ctx context.Context, sc access.Scope, id, label string, on bool) (inbox.Conversation, error) {
	return o.s.Labels.SetLabel(ctx, sc, id, label, on)
}

func (o automationOperator) Reply(ctx context.Context, sc access.Scope, id string, in inbox.ReplyInput) (inbox.Message, error) {
	return o.s.Dispatch.Reply(ctx, sc, id, in)
}

func (o automationOperator) LineFor(ctx context.Context, sc access.Scope, id string) (inbox.Line, error) {
	return o.s.Lines.Get(ctx, sc, id)
}

func (o automationOperator) Label(ctx context.Context, id string) (inbox.Label, error) {
	return o.s.Labels.Label(ctx, id)
}

type automationCRM struct {
	c *crm.Services
	i *inbox.Services
}

// Organisation reads the linked member's organisation with the whole
// tree's scope: the rule acts for the installation.
func (a automationCRM) Organisation(ctx context.Context, convID string) (string, error) {
	m, ok, err := a.c.Members.ConversationMember(ctx, access.System("rules"), convID)
	if err != nil || !ok {
		return "", err
	}
	return m.UnitID, nil
}

// CreateAppeal files an appeal from the conversation; for a contact
// without a card it belongs to the unit of the conversation's line.
func (a automationCRM) CreateAppeal(ctx context.Context, sc access.Scope, convID, subject string) error {
	in := crm.AppealInput{Subject: strings.TrimSpace(subject)}
	if _, ok, err := a.c.Members.ConversationMember(ctx, sc, convID); err == nil && !ok {
		c, err := a.i.Conversations.Get(ctx, sc, convID)
		if err != nil {
			return err
		}
		in.UnitID = c.UnitID
	}
	_, err := a.c.Appeals.CreateAppealFromConversation(ctx, sc, convID, crm.FromConversation{AppealInput: in})
	return err
}

// Attribute reads a conversation's custom field from the CRM's side
// panel, with the whole tree's scope.
func (a automationCRM) Attribute(ctx context.Context, convID, key string) (string, error) {
	f, err := a.c.ConversationPanel.Fields(ctx, access.System("rules"), convID)
	if err != nil {
		return "", err
	}
	v, ok := f.Values[key]
	if !ok || v == nil {
		return "", nil
	}
	return fmt.Sprint(v), nil
}

type automationNotices struct{ n *notify.Service }

// RuleNotice is a rule's call for a person's attention, on the bell as a
// mention of them.
func (a automationNotices) RuleNotice(ctx context.Context, key, userID, text, link string) error {
	_, err := a.n.Record(ctx, nil, notify.Notice{Key: key, UserID: userID, Kind: notify.Mention, Text: text, Link: link})
	return err
}
