package inbox

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

// Identity is who sent a message, as the channel knows them.
type Identity struct {
	// Namespace of ExternalID: "telegram", "vk", "email", "phone" are
	// shared by all channels of that kind (the same person is the same
	// contact whichever bot they write to); empty means private to the
	// channel (API, widget visitors).
	Namespace  string `json:"namespace,omitempty"`
	ExternalID string `json:"id"`
	Name       string `json:"name,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Email      string `json:"email,omitempty"`
}

// Inbound is the neutral form every connector turns a provider's message
// into.
type Inbound struct {
	ChannelID         string
	ExternalChatID    string // where replies go; defaults to the sender's id
	ExternalMessageID string // the provider's id: the idempotency key
	From              Identity
	Text              string
	Subject           string
	Attachments       []Attachment
	SentAt            time.Time
	// NoAutoReply suppresses the welcome and off-hours replies (e.g. for
	// mail that is itself an auto-reply).
	NoAutoReply bool
	// LineID, when set, routes the message to this line instead of the
	// channel's (a topic the member chose in a bot menu).
	LineID string
	// ReplyTo are the provider's ids of the messages this one answers
	// (an e-mail's In-Reply-To and References, a Telegram or VK reply's
	// quoted message): a member's answer to a mass mailing is linked to
	// the campaign by them.
	ReplyTo []string `json:"-"`
	// Thread, for a comment on one of the union's posts, names the post:
	// the commenter gets a conversation per post (thread.go).
	Thread *Thread `json:"-"`
	// Preface is what the channel showed the contact before they wrote
	// (the site widget's proactive message): when this message opens a
	// conversation, it is stored first, as sent by nobody.
	Preface *Preface `json:"-"`
}

// Preface is an automatic message stored before the contact's first one:
// from nobody (so it is no first response), already shown (so it is not
// dispatched), its external id "preface:REF:CONVERSATION".
type Preface struct {
	Text string
	Ref  string // the channel's name for it (a widget trigger's id)
}

// IngestResult tells the connector what became of a message.
type IngestResult struct {
	MessageID      string `json:"message_id"`
	ConversationID string `json:"conversation_id"`
	Seq            int64  `json:"seq"`
	Duplicate      bool   `json:"duplicate"`
	Prefaced       bool   `json:"-"` // the Preface was stored before the message
	// Message is the message as stored (empty for a duplicate), and LastSeq
	// its conversation's last seq when the batch committed: a welcome reply
	// stored with a first message comes after it. A live view of the
	// conversation shows the message from here and reads SQL only for
	// what follows.
	Message Message `json:"-"`
	LastSeq int64   `json:"-"`
}

func (in *Inbound) validate() error {
	in.ExternalMessageID = strings.TrimSpace(in.ExternalMessageID)
	in.From.ExternalID = strings.TrimSpace(in.From.ExternalID)
	switch {
	case in.ChannelID == "":
		return valid.Errorf("channel_id", "required", "channel is required")
	case in.ExternalMessageID == "" || len(in.ExternalMessageID) > MaxExternalIDBytes:
		return valid.Errorf("message.id", "external_id", "message id must have 1 to %d bytes", MaxExternalIDBytes)
	case in.From.ExternalID == "" || len(in.From.ExternalID) > MaxExternalIDBytes:
		return valid.Errorf("contact.id", "external_id", "contact id must have 1 to %d bytes", MaxExternalIDBytes)
	case len(in.Text) > MaxTextBytes:
		return valid.Errorf("message.text", "too_long", "text is limited to %d bytes", MaxTextBytes)
	case !utf8.ValidString(in.Text) || !utf8.ValidString(in.From.Name) || !utf8.ValidString(in.Subject):
		return valid.Errorf("message.text", "utf8", "text must be valid UTF-8")
	case len(in.Attachments) > MaxAttachments:
		return valid.Errorf("message.attachments", "too_many", "at most %d attachments", MaxAttachments)
	case in.Text == "" && len(in.Attachments) == 0:
		return valid.Errorf("message.text", "empty", "a message needs text or an attachment")
	case len(in.ExternalChatID) > MaxExternalIDBytes:
		return valid.Errorf("chat_id", "external_id", "chat id must have at most %d bytes", MaxExternalIDBytes)
	case in.Preface != nil && (in.Preface.Text == "" || len(in.Preface.Text) > MaxTextBytes || len(in.Preface.Ref) > 100):
		in.Preface = nil // a channel's mistake costs the preface, not the contact's message
	case len(in.threadKey()) > MaxExternalIDBytes:
		return valid.Errorf("thread", "external_id", "thread key must have at most %d bytes", MaxExternalIDBytes)
	}
	if len([]rune(in.From.Name)) > 200 {
		in.From.Name = string([]rune(in.From.Name)[:200])
	}
	if len([]rune(in.Subject)) > 300 {
		in.Subject = string([]rune(in.Subject)[:300])
	}
	if in.ExternalChatID == "" {
		in.ExternalChatID = in.From.ExternalID
	}
	if in.SentAt.IsZero() {
		in.SentAt = time.Now()
	}
	return nil
}

// Ingest stores one inbound message. It is idempotent on (channel,
// ExternalMessageID): a replayed webhook, a second delivery or the same
// update reaching two nodes returns the first result with Duplicate set.
// It returns once the message is committed to SQL; queueing, routing and
// events follow the commit. Concurrent calls are committed together in
// one transaction (group commit).
func (ing *Ingestion) Ingest(ctx context.Context, in Inbound) (IngestResult, error) {
	if err := in.validate(); err != nil {
		return IngestResult{}, err
	}
	ch, err := ing.channelByID(ctx, in.ChannelID)
	if err != nil {
		return IngestResult{}, err
	}
	if ch.Disabled {
		// Not logged here: the caller answers and logs the refusal once.
		return IngestResult{}, ErrChannelDisabled
	}
	if in.LineID != "" && in.LineID != ch.LineID {
		if _, err := ing.lineByID(ctx, in.LineID); err != nil {
			return IngestResult{}, valid.Errorf("line_id", "line", "line %s: %v", in.LineID, err)
		}
		ch.LineID = in.LineID
	}
	if in.From.Namespace == "" {
		in.From.Namespace = "channel:" + ch.ID
	}
	item := ingestItem{in: in, ch: ch}
	item.campaign = ing.matchReply(ctx, ch, in)
	res, err := ing.batch.submit(ctx, item)
	switch {
	case err != nil:
		ing.metric.ingested.WithLabelValues("error").Inc()
	case res.Duplicate:
		ing.metric.ingested.WithLabelValues("duplicate").Inc()
	default:
		ing.metric.ingested.WithLabelValues("new").Inc()
	}
	return res, err
}
