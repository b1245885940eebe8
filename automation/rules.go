package automation

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
)

// Rules lists the rules in the order they run; administrators of the
// inbox only.
func (s *Service) Rules(ctx context.Context, sc access.Scope) ([]Rule, error) {
	if err := sc.Require(access.ManageInbox); err != nil {
		return nil, err
	}
	return s.store.rules(ctx)
}

// SaveRule creates (no ID, last in order) or changes a rule.
func (s *Service) SaveRule(ctx context.Context, sc access.Scope, r Rule) (Rule, error) {
	if err := sc.Require(access.ManageInbox); err != nil {
		return Rule{}, err
	}
	if err := r.validate(); err != nil {
		return Rule{}, err
	}
	if err := s.check(ctx, sc, r.Actions); err != nil {
		return Rule{}, err
	}
	create := r.ID == ""
	if create {
		r.ID = uuid.Must(uuid.NewV7()).String()
	}
	if err := s.store.saveRule(ctx, r, create); err != nil {
		return Rule{}, err
	}
	s.audit(sc, "rule saved", r.ID, r)
	return s.store.rule(ctx, r.ID)
}

// DeleteRule removes a rule.
func (s *Service) DeleteRule(ctx context.Context, sc access.Scope, id string) error {
	if err := sc.Require(access.ManageInbox); err != nil {
		return err
	}
	if err := s.store.deleteRule(ctx, id); err != nil {
		return err
	}
	s.audit(sc, "rule deleted", id, nil)
	return nil
}

// Reorder sets the order rules run in.
func (s *Service) Reorder(ctx context.Context, sc access.Scope, ids []string) error {
	if err := sc.Require(access.ManageInbox); err != nil {
		return err
	}
	return s.store.reorder(ctx, ids)
}

// audit logs who changed the automation; the rules themselves keep no
// personal data.
func (s *Service) audit(sc access.Scope, what, id string, v any) {
	b, _ := json.Marshal(v)
	s.log.Info("automation: "+what, "id", id, "by", sc.UserID, "value", fmt.Sprintf("%.500s", b))
}

// Choices are what the rule editor offers for the webhook and template
// steps: the enabled endpoints and the lines' quick answers.
type Choices struct {
	Webhooks     []Webhook           `json:"webhooks"`
	QuickAnswers []inbox.QuickAnswer `json:"quick_answers"`
}

// Choices lists them for an administrator of the inbox.
func (s *Service) Choices(ctx context.Context, sc access.Scope) (Choices, error) {
	if err := sc.Require(access.ManageInbox); err != nil {
		return Choices{}, err
	}
	out := Choices{Webhooks: []Webhook{}}
	if s.d.Webhooks != nil {
		ws, err := s.d.Webhooks.Webhooks(ctx)
		if err != nil {
			return Choices{}, err
		}
		out.Webhooks = ws
	}
	var err error
	out.QuickAnswers, err = s.d.Inbox.LineQuickAnswers(ctx)
	return out, err
}
