package mailing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/storage/db"
)

// Replies link a member's answer to the campaign it answers: the hub
// hands them to the inbox as its inbox.ReplyMatcher.
type Replies struct{ db *db.DB }

// ReplyWindow is how long after a Telegram or VK campaign message the
// first word from that chat counts as an answer to it, when it does not
// quote the message itself.
const ReplyWindow = 7 * 24 * time.Hour

// campaignMessageID reads the Message-ID a campaign letter carries (see
// messageID): m.<seq>.<campaign id>@<domain>.
var campaignMessageID = regexp.MustCompile(`^m\.([0-9]+)\.([0-9a-f-]{36})@`)

// MatchReply tells the inbox which campaign an inbound message answers
// (inbox.ReplyMatcher): an e-mail by its In-Reply-To and References, a
// Telegram or VK message by the campaign message it quotes, or else by
// being the first word from a chat the campaign wrote to within
// ReplyWindow.
func (s *Replies) MatchReply(ctx context.Context, p inbox.ReplyProbe) (inbox.CampaignLink, bool, error) {
	switch p.ChannelKind {
	case inbox.KindMail:
		for i := len(p.ReplyTo) - 1; i >= 0; i-- {
			m := campaignMessageID.FindStringSubmatch(p.ReplyTo[i])
			if m == nil {
				continue
			}
			seq, _ := strconv.ParseInt(m[1], 10, 64)
			var name string
			err := s.db.QueryRowContext(ctx, `SELECT c.name FROM mailing_recipients r JOIN mailing_campaigns c ON c.id = r.campaign_id
				WHERE r.campaign_id = $1 AND r.seq = $2 AND r.channel = 'email'`, m[2], seq).Scan(&name)
			if errors.Is(err, sql.ErrNoRows) {
				continue // a look-alike id, or a campaign deleted since
			}
			if err != nil {
				return inbox.CampaignLink{}, false, fmt.Errorf("mailing: match reply: %w", err)
			}
			return inbox.CampaignLink{ID: m[2], Name: name, Direct: true}, true, nil
		}
	case inbox.KindTelegram, inbox.KindVK:
		for _, id := range p.ReplyTo {
			if l, ok, err := s.matchChat(ctx, p, id); ok || err != nil {
				l.Direct = ok
				return l, ok, err
			}
		}
		return s.matchChat(ctx, p, "")
	}
	return inbox.CampaignLink{}, false, nil
}

// matchChat finds the newest campaign message sent through p's bot or
// community to p's chat within ReplyWindow (with providerID, that very
// message).
func (s *Replies) matchChat(ctx context.Context, p inbox.ReplyProbe, providerID string) (inbox.CampaignLink, bool, error) {
	since := p.At.Add(-ReplyWindow).UnixMilli()
	if providerID != "" {
		since = 0 // a quoted message is an answer however old
	}
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.name, c.messengers FROM mailing_recipients r JOIN mailing_campaigns c ON c.id = r.campaign_id
		WHERE r.address = $1 AND r.channel = $2 AND r.status = 'sent' AND r.updated_at >= $3 AND ($4 = '' OR r.provider_id = $4)
		ORDER BY r.updated_at DESC LIMIT 20`, p.ExternalChatID, p.ChannelKind, since, providerID)
	if err != nil {
		return inbox.CampaignLink{}, false, fmt.Errorf("mailing: match reply: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l inbox.CampaignLink
		var messengers string
		if err := rows.Scan(&l.ID, &l.Name, &messengers); err != nil {
			return inbox.CampaignLink{}, false, fmt.Errorf("mailing: match reply: %w", err)
		}
		var by map[string]string
		if json.Unmarshal([]byte(messengers), &by) == nil && by[p.ChannelKind] == p.ChannelID {
			return l, true, rows.Err()
		}
	}
	return inbox.CampaignLink{}, false, rows.Err()
}
