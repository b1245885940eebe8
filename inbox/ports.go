package inbox

import (
	"context"

	"time"

	"github.com/profhub/profhub/internal/security/access"
)

// The small interfaces the connectors and the widget hold instead of the
// whole inbox: each names the one service and the few methods a channel
// needs. The hub passes the services (the comments name which).

// Ingester takes a channel's inbound messages in (*Ingestion).
type Ingester interface {
	Ingest(ctx context.Context, in Inbound) (IngestResult, error)
}

// Pacer shares a provider's rate limits and pauses between the nodes
// sending for one bot (*Pacing).
type Pacer interface {
	TakeTurn(ctx context.Context, key string, n int, per time.Duration) (time.Duration, error)
	Pause(ctx context.Context, key string, d time.Duration) error
	Paused(ctx context.Context, key string) (time.Duration, error)
}

// ContactLinker links a chat's contact to a member by the phone the
// contact shared, and finds the line of a chat's open conversation
// (*Actions).
type ContactLinker interface {
	LinkContactByPhone(ctx context.Context, convID, phone string, members MemberFinder) (string, error)
	OpenConversationLine(ctx context.Context, channelID, externalChatID string) (string, bool, error)
}

// MemberLinker links a conversation to a member (*Actions).
type MemberLinker interface {
	LinkMember(ctx context.Context, sc access.Scope, convID, memberID string) (Conversation, error)
}

// NoteWriter adds an operators' note to a conversation (*Dispatch).
type NoteWriter interface {
	Note(ctx context.Context, sc access.Scope, convID string, in ReplyInput) (Message, error)
}

// DeliveryReporter marks a reply failed when the provider reports it
// later, such as a bounced letter (*Dispatch).
type DeliveryReporter interface {
	ReportDeliveryFailure(ctx context.Context, channelID, messageID, reason string) error
}

// AttachmentReader reads a message's file for sending it on (*Attachments).
type AttachmentReader interface {
	ReadAttachment(ctx context.Context, sc access.Scope, key string, max int64) (Attachment, Conversation, []byte, error)
}

// AttachmentServer opens a message's file for an HTTP response
// (*Attachments); ServeAttachment writes it.
type AttachmentServer interface {
	OpenAttachment(ctx context.Context, sc access.Scope, key string) (OpenedAttachment, error)
}

// Notifier sends a connector's own ephemeral event to consoles (*Events).
type Notifier interface {
	Notify(ctx context.Context, kind string, to []string, data map[string]any)
}

// EventReader follows the event log as a client of the relay (*Events).
type EventReader interface {
	NewClient(ctx context.Context, sc access.Scope) (*Client, error)
	RefreshClient(ctx context.Context, c *Client) error
	Backlog(ctx context.Context, c *Client, since, upTo int64) (evs []*Event, resync bool, err error)
}

// ContactSignals passes a contact's typing and read marks to the
// operator's console (*Events).
type ContactSignals interface {
	ContactTyping(ctx context.Context, convID string) error
	ContactRead(ctx context.Context, convID string, seq int64) error
}

// Rater records a contact's rating of a conversation (*Actions).
type Rater interface {
	RateConversation(ctx context.Context, convID string, rating int, comment string) (Conversation, error)
}

var (
	_ Ingester         = (*Ingestion)(nil)
	_ Pacer            = (*Pacing)(nil)
	_ ContactLinker    = (*Actions)(nil)
	_ MemberLinker     = (*Actions)(nil)
	_ Rater            = (*Actions)(nil)
	_ NoteWriter       = (*Dispatch)(nil)
	_ DeliveryReporter = (*Dispatch)(nil)
	_ AttachmentReader = (*Attachments)(nil)
	_ AttachmentServer = (*Attachments)(nil)
	_ Notifier         = (*Events)(nil)
	_ EventReader      = (*Events)(nil)
	_ ContactSignals   = (*Events)(nil)
)
