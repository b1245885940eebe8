package automation

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// ErrGone refuses a rule's or macro's step whose line, label or person no
// longer exists.
var ErrGone = db.ErrConflict

// holds reports whether every condition of the rule holds for the trigger.
func (s *Service) holds(ctx context.Context, r Rule, tr trigger) bool {
	for _, c := range r.Conditions {
		if s.test(ctx, c, tr) == c.Negate {
			return false
		}
	}
	return true
}

func (s *Service) test(ctx context.Context, c Condition, tr trigger) bool {
	switch c.Kind {
	case IfChannel:
		return tr.conv.ChannelKind == c.Value
	case IfLine:
		return tr.conv.LineID == c.Value
	case IfWords:
		return tr.text != "" && hasWords(tr.text, wordStems(c.Value))
	case IfLabel: // the conversation's label or its contact's
		return slices.Contains(tr.conv.Labels, c.Value) || slices.Contains(tr.conv.ContactLabels, c.Value)
	case IfOrganisation:
		if s.d.CRM == nil {
			return false
		}
		org, err := s.d.CRM.Organisation(ctx, tr.conv.ID)
		return err == nil && org == c.Value
	case IfAttribute:
		if s.d.CRM == nil {
			return false
		}
		k, want, _ := strings.Cut(c.Value, "=")
		got, err := s.d.CRM.Attribute(ctx, tr.conv.ID, strings.TrimSpace(k))
		return err == nil && strings.EqualFold(strings.TrimSpace(got), strings.TrimSpace(want))
	case IfWorkingHours:
		line, err := s.d.Inbox.Line(ctx, tr.conv.LineID)
		return err == nil && line.Hours.Open(s.d.Now()) == (c.Value == "open")
	}
	return false
}

// ruleRun is the rule a step runs for and the event it runs on.
type ruleRun struct {
	rule Rule
	tr   trigger
}

// do runs one action on a conversation in sc, and says what it acted with
// (a line's or label's name) for the history. run (a rule's step): the
// rules' own reply (from nobody, not taking the conversation) and their
// extra actions; nil: an operator's macro, replying as them.
func (s *Service) do(ctx context.Context, sc access.Scope, convID string, a Action, run *ruleRun) (string, error) {
	asRule := run != nil
	switch a.Kind {
	case DoRouteLine:
		line, err := s.d.Operator.LineFor(ctx, sc, a.Value)
		if err != nil {
			return "", valid.Refuse(ErrGone, "automation_line_gone", "the line of this step no longer exists")
		}
		conv, err := s.d.Operator.Get(ctx, sc, convID)
		if err != nil {
			return "", err
		}
		if conv.LineID == line.ID {
			return line.Name, nil // already there: nothing to move
		}
		_, err = s.d.Operator.Transfer(ctx, sc, convID, inbox.TransferInput{LineID: line.ID})
		return line.Name, err
	case DoRouteOperator:
		_, err := s.d.Operator.Transfer(ctx, sc, convID, inbox.TransferInput{OperatorID: a.Value})
		return a.Value, err
	case DoLabel:
		l, err := s.d.Operator.Label(ctx, a.Value)
		if err != nil {
			return "", valid.Refuse(ErrGone, "automation_label_gone", "the label of this step no longer exists")
		}
		_, err = s.d.Operator.SetLabel(ctx, sc, convID, l.ID, true)
		return l.Name, err
	case DoPriority:
		p, _ := strconv.Atoi(a.Value)
		_, err := s.d.Operator.SetPriority(ctx, sc, convID, p)
		return a.Value, err
	case DoReply:
		if asRule {
			return "", s.d.Inbox.AutoReply(ctx, convID, a.Value)
		}
		_, err := s.d.Operator.Reply(ctx, sc, convID, inbox.ReplyInput{Text: a.Value})
		return "", err
	case DoClose:
		_, err := s.d.Operator.Close(ctx, sc, convID)
		return "", err
	case DoAppeal:
		if s.d.CRM == nil {
			return "", fmt.Errorf("automation: no CRM to create an appeal in")
		}
		return a.Value, s.d.CRM.CreateAppeal(ctx, sc, convID, a.Value)
	case DoNotify:
		if s.d.Notifier == nil {
			return "", fmt.Errorf("automation: no notifications")
		}
		conv, err := s.d.Operator.Get(ctx, sc, convID)
		if err != nil {
			return "", err
		}
		key := "rule:" + convID + ":" + a.Value + ":" + strconv.FormatInt(time.Now().UnixMilli(), 10)
		return a.Value, s.d.Notifier.RuleNotice(ctx, key, a.Value, sc.UserName+" · "+conv.ContactName, inbox.ConversationLink(convID))
	case DoWebhook:
		if run == nil {
			return "", valid.Errorf("actions", "rule_action", "unknown action")
		}
		return s.callWebhook(ctx, a.Value, run)
	case DoTemplate:
		if run == nil {
			return "", valid.Errorf("actions", "rule_action", "unknown action")
		}
		q, err := s.d.Inbox.LineQuickAnswer(ctx, a.Value)
		if err != nil {
			return "", valid.Refuse(ErrGone, "automation_template_gone", "the quick answer of this step no longer exists")
		}
		return q.Shortcut, s.d.Inbox.AutoReply(ctx, convID, q.Text)
	}
	return "", valid.Errorf("actions", "rule_action", "unknown action")
}

// check makes sure the lines and labels the actions name exist (and, for
// lines, that sc may see them), before anything is done or saved.
func (s *Service) check(ctx context.Context, sc access.Scope, as []Action) error {
	for _, a := range as {
		switch a.Kind {
		case DoRouteLine:
			if _, err := s.d.Operator.LineFor(ctx, sc, a.Value); err != nil {
				return valid.Refuse(ErrGone, "automation_line_gone", "the line of this step no longer exists")
			}
		case DoLabel:
			if _, err := s.d.Operator.Label(ctx, a.Value); err != nil {
				return valid.Refuse(ErrGone, "automation_label_gone", "the label of this step no longer exists")
			}
		case DoWebhook:
			if s.d.Webhooks == nil {
				return valid.Refuse(ErrGone, "automation_webhook_gone", "the webhook of this step does not exist or is disabled")
			}
			if _, err := s.d.Webhooks.Webhook(ctx, a.Value); err != nil {
				return valid.Refuse(ErrGone, "automation_webhook_gone", "the webhook of this step does not exist or is disabled")
			}
		case DoTemplate:
			if _, err := s.d.Inbox.LineQuickAnswer(ctx, a.Value); err != nil {
				return valid.Refuse(ErrGone, "automation_template_gone", "the quick answer of this step no longer exists")
			}
		}
	}
	return nil
}
