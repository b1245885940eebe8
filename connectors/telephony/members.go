package telephony

import (
	"context"

	"github.com/profhub/profhub/internal/security/access"
)

// Members is what telephony needs from the member registry: to recognise
// a caller by their phone and to show who they are. The connector declares
// it and the hub satisfies it with a few lines over the CRM, so telephony
// imports no other domain's store.
type Members interface {
	// MembersByPhone returns the ids of the members in sc's scope who have
	// this phone number.
	MembersByPhone(ctx context.Context, sc access.Scope, phone string) ([]string, error)
	// CardMember returns what the caller card shows of a member, or an
	// error wrapping db.ErrNotFound when sc may not see them.
	CardMember(ctx context.Context, sc access.Scope, id string) (CardMember, error)
}

// memberByPhone finds the member card with this phone. Two cards with one
// number (a shared family phone) link neither: the operator chooses.
func (c *Connector) memberByPhone(ctx context.Context, phone string) string {
	if c.members == nil {
		return ""
	}
	ids, err := c.members.MembersByPhone(ctx, access.System("telephony"), phone)
	if err != nil || len(ids) != 1 {
		return ""
	}
	return ids[0]
}

// memberOf reads a member's card for names in the call log, or nil.
func (c *Connector) memberOf(ctx context.Context, sc access.Scope, id string) *CardMember {
	if id == "" || c.members == nil {
		return nil
	}
	m, err := c.members.CardMember(ctx, sc, id)
	if err != nil {
		return nil
	}
	return &m
}
