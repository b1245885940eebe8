package mailing

import (
	"context"
	"errors"

	"github.com/profhub/profhub/internal/security/access"
)

// SampleRecipient is a member a campaign would reach, offered in the
// editor to preview the letter with their data.
type SampleRecipient struct {
	MemberID string `json:"member_id"`
	Name     string `json:"name"`
	Channel  string `json:"channel"`
}

var errEnough = errors.New("mailing: enough recipients")

// SampleRecipients returns up to limit members of a campaign's audience
// (list entries that are not members are skipped), in the ledger's order.
func (s *Audience) SampleRecipients(ctx context.Context, sc access.Scope, in CampaignInput, limit int) ([]SampleRecipient, error) {
	if err := requireSend(sc); err != nil {
		return nil, err
	}
	// Only who and how: the letter may still be half written.
	if in.Kind == "" {
		in.Kind = Informational
	}
	probe := CampaignInput{Name: "-", Kind: in.Kind, Channels: in.Channels, Segments: in.Segments, Accounts: []string{"-"},
		Messengers: in.Messengers, Content: Content{Subject: "-", Text: "-", SMS: "-", Message: "-"}}
	if err := probe.normalize(); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 50 {
		limit = 20
	}
	out := []SampleRecipient{}
	_, err := s.walkAudience(ctx, sc, in, func(r recipient) error {
		if r.memberID == "" {
			return nil
		}
		out = append(out, SampleRecipient{MemberID: r.memberID, Name: r.vars.Name, Channel: r.channel})
		if len(out) >= limit {
			return errEnough
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, err
	}
	return out, nil
}
