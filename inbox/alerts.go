package inbox

import (
	"context"
	"strings"
	"unicode"

	"github.com/profhub/profhub/internal/storage/db"
)

// Alert is a notice for one operator that the hub's notification centre
// (package notify) shows on the bell: a conversation offered or handed to
// them. Key names the event, so a retried one notifies once.
type Alert struct {
	Key    string
	UserID string
	Kind   string // AlertOffered or AlertTransferred
	Text   string // the contact and the line
	Link   string
}

// The kinds of the inbox's alerts (the notification centre's names).
const (
	AlertOffered     = "conversation_offered"
	AlertTransferred = "conversation_transferred"
)

// Alerter hears the inbox's alerts; the hub satisfies it with the
// notification service. Mentioned is told of the @logins named in an
// operators' note: the hub notifies those who may see the conversation.
// ChannelFailed is told, after the status is stored, that a connector
// stopped a channel (ChannelStatus.FailedCode): the hub tells the
// administrators.
type Alerter interface {
	Alert(ctx context.Context, tx db.Execer, a Alert) error
	Mentioned(ctx context.Context, conv Conversation, noteID, authorID string, logins []string) error
	ChannelFailed(ctx context.Context, channelID string) error
}

// ConversationLink is where a conversation is answered in the console.
func ConversationLink(id string) string { return "/inbox?c=" + id }

// offerAlert is an offer waiting to be told to its operators.
type offerAlert struct {
	lineName, convID string
	ops              []string
}

// alertOffer queues an offer for the offer-alert worker, so the router
// never waits for the notices: an offer the full queue cannot take is
// only not on the bell (the console shows every offer live).
func (c *core) alertOffer(line Line, convID string, ops []string) {
	if c.alerts == nil {
		return
	}
	select {
	case c.offers <- offerAlert{lineName: line.Name, convID: convID, ops: ops}:
	default:
		c.log.Debug("offer alert dropped: the queue is full", "conversation", convID)
	}
}

// runOfferAlerts tells the operators offered a conversation, once per
// conversation and operator: an offer made again after it expired is not
// news.
func (c *core) runOfferAlerts(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case o := <-c.offers:
			conv, err := conversationTx(ctx, c.db, o.convID)
			if err != nil {
				c.log.Warn("offer alert: conversation not read", "conversation", o.convID, "err", err)
				continue
			}
			for _, op := range o.ops {
				a := Alert{Key: "inbox-offer:" + o.convID, UserID: op, Kind: AlertOffered,
					Text: conv.ContactName + " · " + o.lineName, Link: ConversationLink(o.convID)}
				if err := c.alerts.Alert(ctx, nil, a); err != nil && ctx.Err() == nil {
					c.log.Warn("offer alert not recorded", "conversation", o.convID, "err", err)
				}
			}
		}
	}
}

// alertMentions tells the Alerter of the @logins of a note.
func (c *core) alertMentions(ctx context.Context, conv Conversation, m Message) {
	if c.alerts == nil {
		return
	}
	logins := Mentions(m.Text)
	if len(logins) == 0 {
		return
	}
	if err := c.alerts.Mentioned(ctx, conv, m.ID, m.AuthorID, logins); err != nil {
		c.log.Warn("mention alerts not recorded", "message", m.ID, "err", err)
	}
}

// Mentions returns the logins named as @login in a note, once each.
func Mentions(text string) []string {
	var out []string
	seen := map[string]bool{}
	for i := 0; i < len(text); i++ {
		if text[i] != '@' || (i > 0 && isLoginRune(rune(text[i-1]))) {
			continue
		}
		j := i + 1
		for j < len(text) && isLoginRune(rune(text[j])) {
			j++
		}
		login := strings.ToLower(strings.TrimRight(text[i+1:j], "."))
		if login != "" && !seen[login] && len(out) < 20 {
			seen[login] = true
			out = append(out, login)
		}
		i = j - 1
	}
	return out
}

func isLoginRune(r rune) bool {
	return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' || r == '-')
}
