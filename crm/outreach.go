package crm

import (
	"context"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
)

// ConversationStarter is what writing first to a member needs of the
// inbox: the channels the caller may write to the member on, and the
// start of a conversation there. The hub gives the inbox's Outreach
// service (hub.CRMOutreach) in Deps.Outreach.
type ConversationStarter interface {
	MemberReach(ctx context.Context, sc access.Scope, memberID string, addr inbox.MemberAddresses) ([]inbox.Reach, error)
	Start(ctx context.Context, sc access.Scope, in inbox.StartInput) (inbox.Conversation, error)
}

// ErrNoConsent refuses a first message to a member who has not agreed to
// be written to on the channel's kind: nothing is stored or sent.
var ErrNoConsent = valid.Refuse(access.ErrForbidden, "outreach_no_consent", "the member has not agreed to be written to on this channel")

// ReachChannel is a channel an operator may write to a member on, with
// whether the member's consent allows it.
type ReachChannel struct {
	inbox.Reach
	Consent bool `json:"consent"`
}

// OutreachInput is an operator's first message to a member.
type OutreachInput struct {
	ChannelID string `json:"channel_id"`
	Address   string `json:"address"` // one of the channel's addresses (an e-mail channel has one per address)
	Text      string `json:"text"`
}

// Outreach lets an operator start a conversation with a member from the
// card: the member must be in the caller's scope, and their mailing
// consent for the channel's kind given (the same consent a mailing
// needs: "telegram", "vk", "email", "sms").
type Outreach struct {
	members *Members
	inbox   ConversationStarter // nil: the installation has no inbox
}

// consentChannel is the consent (Channels) a kind of inbox channel needs.
func consentChannel(kind string) string {
	if kind == inbox.KindMail {
		return "email"
	}
	return kind
}

// Channels lists where the caller may write to the member.
func (o *Outreach) Channels(ctx context.Context, sc access.Scope, memberID string) ([]ReachChannel, error) {
	m, err := o.members.GetMember(ctx, sc, memberID)
	if err != nil {
		return nil, err
	}
	out := []ReachChannel{}
	if o.inbox == nil {
		return out, nil
	}
	reach, err := o.inbox.MemberReach(ctx, sc, m.ID, inbox.MemberAddresses{Emails: m.Emails, Phones: m.Phones})
	if err != nil {
		return nil, err
	}
	for _, r := range reach {
		out = append(out, ReachChannel{Reach: r, Consent: m.Consents.Mailings[consentChannel(r.Kind)].Given})
	}
	return out, nil
}

// Start writes the first message to the member on one of their channels
// and returns the conversation, assigned to the caller. Without the
// member's consent for the channel nothing is stored or sent.
func (o *Outreach) Start(ctx context.Context, sc access.Scope, memberID string, in OutreachInput) (inbox.Conversation, error) {
	m, err := o.members.GetMember(ctx, sc, memberID)
	if err != nil {
		return inbox.Conversation{}, err
	}
	if o.inbox == nil {
		return inbox.Conversation{}, inbox.ErrNotReachable
	}
	reach, err := o.inbox.MemberReach(ctx, sc, m.ID, inbox.MemberAddresses{Emails: m.Emails, Phones: m.Phones})
	if err != nil {
		return inbox.Conversation{}, err
	}
	found := false
	for _, r := range reach {
		if r.ChannelID != in.ChannelID {
			continue
		}
		found = true
		if !m.Consents.Mailings[consentChannel(r.Kind)].Given {
			return inbox.Conversation{}, ErrNoConsent
		}
	}
	if !found {
		return inbox.Conversation{}, inbox.ErrNotReachable
	}
	return o.inbox.Start(ctx, sc, inbox.StartInput{MemberID: m.ID, MemberName: m.FullName, Emails: m.Emails, Phones: m.Phones,
		ChannelID: in.ChannelID, Address: in.Address, Text: in.Text})
}
