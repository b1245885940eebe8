package mailing

import (
	"context"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
)

// customFields is what the block editor reads of the CRM: the custom
// fields of members, whose values are variables too.
type customFields interface {
	ListCustomFields(ctx context.Context, sc access.Scope, f crm.CustomFieldFilter) ([]crm.CustomField, error)
}

// EditorVars are the variables the block editor offers: the built-in
// ones and the member custom fields that apply in the caller's unit.
type EditorVars struct {
	fields customFields
}

// VariableChoice is one entry of the editor's list.
type VariableChoice struct {
	Label  string `json:"label"`
	Custom bool   `json:"custom,omitempty"`
}

// Variables lists the labels staff insert as {{label}}.
func (s *EditorVars) Variables(ctx context.Context, sc access.Scope) ([]VariableChoice, error) {
	if err := requireSend(sc); err != nil {
		return nil, err
	}
	out := []VariableChoice{}
	for _, l := range BuiltinVariables() {
		out = append(out, VariableChoice{Label: l})
	}
	custom, err := s.custom(ctx, sc)
	if err != nil {
		return nil, err
	}
	for _, f := range custom {
		out = append(out, VariableChoice{Label: f.Label, Custom: true})
	}
	return out, nil
}

func (s *EditorVars) custom(ctx context.Context, sc access.Scope) ([]crm.CustomField, error) {
	fs, err := s.fields.ListCustomFields(ctx, sc, crm.CustomFieldFilter{Entity: crm.EntityMember, UnitID: sc.UnitID})
	if err != nil {
		return nil, err
	}
	builtin := map[string]bool{}
	for _, l := range BuiltinVariables() {
		builtin[l] = true
	}
	out := fs[:0]
	for _, f := range fs {
		if !builtin[f.Label] { // a built-in name wins over a field named the same
			out = append(out, f)
		}
	}
	return out, nil
}

// resolve fills a content's VarFields from the custom fields the caller
// sees now; whatever the browser sent there is replaced. Block letters,
// SMS, messenger texts and raw-HTML letters all name them as {{label}}.
func (s *EditorVars) resolve(ctx context.Context, sc access.Scope, c *Content) error {
	c.VarFields = nil
	fs, err := s.custom(ctx, sc)
	if err != nil {
		return err
	}
	if len(fs) > 0 {
		c.VarFields = map[string]string{}
		for _, f := range fs {
			c.VarFields[f.Label] = f.Key
		}
	}
	return nil
}
