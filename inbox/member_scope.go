package inbox

import (
	"context"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
)

// MemberScope says whether a member card lies in a caller's scope (the
// CRM; the hub sets it, as the CRM is built after the inbox). Linking a
// conversation to a card the caller may not open would show them the
// card's name and timeline through the conversation.
type MemberScope interface {
	MemberInScope(ctx context.Context, sc access.Scope, memberID string) (bool, error)
}

type memberScopeBox struct{ MemberScope }

// ErrMemberOutOfScope refuses a link to a card outside the caller's scope.
var ErrMemberOutOfScope = valid.Refuse(access.ErrForbidden, "member_out_of_scope", "the member card is not among the cards of your organisations")

// SetMemberScope makes LinkMember check that the card lies in the
// caller's scope.
func (a *Actions) SetMemberScope(m MemberScope) { a.cards.Store(&memberScopeBox{m}) }

// checkMemberScope refuses a card the caller may not open; without a
// MemberScope set (an inbox without a CRM), every id passes.
func (a *Actions) checkMemberScope(ctx context.Context, sc access.Scope, memberID string) error {
	box := a.cards.Load()
	if box == nil || memberID == "" {
		return nil
	}
	ok, err := box.MemberInScope(ctx, sc, memberID)
	if err != nil {
		return err
	}
	if !ok {
		return ErrMemberOutOfScope
	}
	return nil
}
