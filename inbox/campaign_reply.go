package inbox

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// ReplyProbe is what a ReplyMatcher gets of an inbound message.
type ReplyProbe struct {
	ChannelID      string
	ChannelKind    string
	ExternalChatID string
	From           Identity
	ReplyTo        []string
	At             time.Time
}

// CampaignLink is the mass mailing a message answers. Direct says the
// message quotes the campaign's own message (e-mail headers, a Telegram or
// VK reply); otherwise it is only the first word from that chat soon after
// the send, which links a conversation it opens and no other.
type CampaignLink struct {
	ID, Name string
	Direct   bool
}

// ReplyMatcher finds the campaign an inbound message answers (package
// mailing implements it from its ledger).
type ReplyMatcher interface {
	MatchReply(ctx context.Context, p ReplyProbe) (CampaignLink, bool, error)
}

type replyMatcher struct {
	mu sync.RWMutex
	m  ReplyMatcher
}

// SetReplyMatcher makes inbound messages be checked against mass mailings.
func (ing *Ingestion) SetReplyMatcher(m ReplyMatcher) {
	ing.replies.mu.Lock()
	defer ing.replies.mu.Unlock()
	ing.replies.m = m
}

// matchReply asks the matcher about messages of the channel kinds a
// campaign can be sent on; a failure only loses the link, never the
// message.
func (ing *Ingestion) matchReply(ctx context.Context, ch Channel, in Inbound) CampaignLink {
	ing.replies.mu.RLock()
	m := ing.replies.m
	ing.replies.mu.RUnlock()
	if m == nil || (ch.Kind != KindTelegram && ch.Kind != KindVK && (ch.Kind != KindMail || len(in.ReplyTo) == 0)) {
		return CampaignLink{}
	}
	at := in.SentAt
	if at.IsZero() {
		at = time.Now()
	}
	l, ok, err := m.MatchReply(ctx, ReplyProbe{ChannelID: ch.ID, ChannelKind: ch.Kind, ExternalChatID: in.ExternalChatID,
		From: in.From, ReplyTo: in.ReplyTo, At: at})
	if err != nil {
		ing.log.Warn("reply to a mailing not matched", "channel", ch.ID, "err", err)
		return CampaignLink{}
	}
	if !ok {
		return CampaignLink{}
	}
	return l
}

// linkCampaigns marks each conversation with the campaign its message
// answers: a direct reply links the member's conversation whatever it is,
// a first word after a send only a conversation that message opened. A
// conversation keeps the first campaign it was linked to.
func linkCampaigns(ctx context.Context, tx db.Execer, items []*pendingIngest, convOf []*Conversation, opened []*Conversation) error {
	isNew := map[string]bool{}
	for _, c := range opened {
		isNew[c.ID] = true
	}
	for i, p := range items {
		l, c := p.item.campaign, convOf[i]
		if l.ID == "" || (!l.Direct && !isNew[c.ID]) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET campaign_id = $2, campaign_name = $3
			WHERE id = $1 AND campaign_id = ''`, c.ID, l.ID, l.Name); err != nil {
			return fmt.Errorf("inbox: link to campaign: %w", err)
		}
	}
	return nil
}
