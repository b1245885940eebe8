package automation

import (
	"context"
	"errors"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

// RuleEvent is the data of the automation.rule event a rule's webhook
// step sends (docs/API.md, "Automation"): which rule, on what, and the
// conversation as it was when the rule ran.
type RuleEvent struct {
	RuleID         string   `json:"rule_id"`
	Rule           string   `json:"rule"`
	Trigger        string   `json:"trigger"`
	ConversationID string   `json:"conversation_id"`
	LineID         string   `json:"line_id"`
	Channel        string   `json:"channel"`
	Status         string   `json:"status"`
	Contact        string   `json:"contact_name"`
	Labels         []string `json:"labels"`
}

// callWebhook queues the rule's event for the endpoint; its id is the
// rule's and the event's, so a receiver tells a repeat. The sending,
// signing and retrying are the webhooks' outbox's.
func (s *Service) callWebhook(ctx context.Context, endpointID string, run *ruleRun) (string, error) {
	gone := valid.Refuse(ErrGone, "automation_webhook_gone", "the webhook of this step does not exist or is disabled")
	if s.d.Webhooks == nil {
		return "", gone
	}
	w, err := s.d.Webhooks.Webhook(ctx, endpointID)
	if err != nil {
		return "", gone
	}
	c := run.tr.conv
	ev := RuleEvent{RuleID: run.rule.ID, Rule: run.rule.Name, Trigger: run.tr.on, ConversationID: c.ID, LineID: c.LineID,
		Channel: c.ChannelKind, Status: string(c.Status), Contact: c.ContactName, Labels: c.Labels}
	if ev.Labels == nil {
		ev.Labels = []string{}
	}
	err = s.d.Webhooks.Deliver(ctx, endpointID, "rule-"+run.rule.ID+"-"+run.tr.key, ev)
	if errors.Is(err, ErrWebhookGone) {
		return "", gone
	}
	return w.Name, err
}

// ErrWebhookGone is what a Webhooks port returns from Deliver for an
// endpoint deleted or disabled since it was looked at.
var ErrWebhookGone = errors.New("automation: the webhook endpoint is gone or disabled")
