package telephony

import (
	"context"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
)

// EvCallRinging is the console event of the caller card.
const EvCallRinging = "call_ringing"

// CallerCard is what an operator sees while the phone rings: who calls,
// from which organisation, and what happened with them lately.
type CallerCard struct {
	CallID        string      `json:"call_id"`
	Number        string      `json:"number"`
	Line          string      `json:"line,omitempty"`
	Extension     string      `json:"extension"`
	Member        *CardMember `json:"member,omitempty"`
	Conversations []CardConv  `json:"conversations"` // open ones first, then the latest
	RecentCalls   []CallRow   `json:"recent_calls"`
}

// CardMember is the part of the member card the caller card shows.
type CardMember struct {
	ID           string `json:"id"`
	FullName     string `json:"full_name"`
	Organisation string `json:"organisation"`
	Workplace    string `json:"workplace,omitempty"`
	Position     string `json:"position,omitempty"`
	Status       string `json:"status"`
}

// CardConv is a conversation with the caller.
type CardConv struct {
	ID        string    `json:"id"`
	Status    string    `json:"status"`
	Subject   string    `json:"subject,omitempty"`
	Channel   string    `json:"channel_kind"`
	UpdatedAt time.Time `json:"updated_at"`
}

// screenPop pushes the caller card to the user whose extension rings.
func (c *Connector) screenPop(ctx context.Context, ch inbox.Channel, res applied, userID string) {
	// The call came to this operator's extension: they see who calls
	// even when the member's organisation is outside their unit.
	card := c.callerCard(ctx, access.System("telephony"), res.number, res.memberID)
	card.CallID, card.Line, card.Extension = res.callID, normalNumber(res.call.Line), res.call.Extension
	c.inbox.Notify(ctx, EvCallRinging, []string{userID}, map[string]any{"card": card, "channel_id": ch.ID})
}

// callerCard collects the card for a number (and its member, if known).
func (c *Connector) callerCard(ctx context.Context, sc access.Scope, number, memberID string) CallerCard {
	card := CallerCard{Number: number, Conversations: []CardConv{}, RecentCalls: []CallRow{}}
	card.Member = c.memberOf(ctx, sc, memberID)
	if number == "" {
		return card
	}
	rows, err := c.listCalls(ctx, sc, CallFilter{Number: number, Limit: 5})
	if err == nil {
		c.fillNames(ctx, rows)
		card.RecentCalls = rows
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if r.ConversationID == "" || seen[r.ConversationID] {
			continue
		}
		seen[r.ConversationID] = true
		if conv, err := c.inbox.Conversations.Get(ctx, sc, r.ConversationID); err == nil {
			card.Conversations = append(card.Conversations, CardConv{ID: conv.ID, Status: conv.Status, Subject: conv.Subject,
				Channel: conv.ChannelKind, UpdatedAt: conv.UpdatedAt})
		}
	}
	return card
}
