// Package inbox is the open-lines engine: every channel's messages land
// here. Ingest is idempotent on (channel, provider message id) and commits
// to SQL before anything else learns of it; then the conversation enters
// its line's queue in Redis, an event is published, and the router offers
// it to an operator. Replies are stored as pending and sent by dispatch
// workers through the channel's Sender. Redis holds only what SQL can
// rebuild.
package inbox

import (
	"fmt"
	"slices"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
)

// RoutingMode decides how a line picks an operator.
type RoutingMode string

const (
	Evenly    RoutingMode = "evenly"     // round-robin over free operators
	LeastBusy RoutingMode = "least_busy" // fewest active conversations for their capacity
	Strict    RoutingMode = "strict"     // first free operator in queue order
	OfferAll  RoutingMode = "offer_all"  // every free operator is offered; first to accept wins
	Manual    RoutingMode = "manual"     // operators take from the queue themselves
)

// RoutingModes lists the modes.
var RoutingModes = []RoutingMode{Evenly, LeastBusy, Strict, OfferAll, Manual}

// ValidMode reports whether m is a known mode.
func ValidMode(m RoutingMode) bool { return slices.Contains(RoutingModes, m) }

// Conversation states.
const (
	StatusWaiting = "waiting" // in its line's queue, nobody assigned
	StatusActive  = "active"  // an operator has it
	StatusClosed  = "closed"
)

// Message directions.
const (
	DirIn     = "in"     // from the contact
	DirOut    = "out"    // an operator's (or auto-) reply, sent through the channel
	DirNote   = "note"   // internal note, never sent
	DirSystem = "system" // assigned, transferred, closed …
)

// Delivery states of outbound messages.
const (
	DeliveryPending   = "pending"
	DeliverySent      = "sent"
	DeliveryDelivered = "delivered"
	DeliveryRead      = "read"
	DeliveryFailed    = "failed"
)

// Presence of an operator.
const (
	Online  = "online"
	Break   = "break"
	Offline = "offline"
	// Absent is the state routing sees for an operator who chose online
	// during an approved absence: present, offered nothing.
	Absent = "absent"
)

// Limits of ingest and replies.
const (
	MaxTextBytes       = 64 << 10
	MaxAttachments     = 20
	MaxExternalIDBytes = 200
)

// Errors callers act on. They wrap the shared categories, so the HTTP
// layer maps them without knowing this package.
var (
	ErrChannelDisabled = valid.Refuse(access.ErrForbidden, "channel_disabled", "the channel is disabled")
	ErrNoOffer         = valid.Refuse(db.ErrConflict, "no_offer", "no such offer (taken by someone else, declined or expired)")
	ErrAtCapacity      = valid.Refuse(db.ErrConflict, "at_capacity", "the operator is at capacity")
	ErrNotWaiting      = valid.Refuse(db.ErrConflict, "not_waiting", "the conversation is not waiting in the queue")
	ErrClosed          = valid.Refuse(db.ErrConflict, "conversation_closed", "the conversation is closed")
)

// Attachment is a file kept in the blob store.
type Attachment struct {
	BlobKey     string `json:"blob_key"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// Message is one entry of a conversation.
type Message struct {
	ID             string       `json:"id"`
	ConversationID string       `json:"conversation_id"`
	Seq            int64        `json:"seq"`
	Direction      string       `json:"direction"`
	ChannelID      string       `json:"channel_id"`
	ExternalID     string       `json:"external_id,omitempty"`
	ClientID       string       `json:"client_id,omitempty"`
	AuthorID       string       `json:"author_id,omitempty"`
	Text           string       `json:"text"`
	Attachments    []Attachment `json:"attachments"`
	Status         string       `json:"status,omitempty"`
	StatusReason   string       `json:"status_reason,omitempty"`
	Attempts       int          `json:"attempts,omitempty"`
	CreatedAt      time.Time    `json:"created_at"`
	SentAt         time.Time    `json:"sent_at,omitzero"`
	// DeletedAt is when the provider reported the message deleted (a VK
	// comment removed by its author or the community); the console
	// strikes it through.
	DeletedAt time.Time `json:"deleted_at,omitzero"`
	// Private marks an operator's answer to a comment sent as a private
	// message rather than in the post's thread (thread.go).
	Private bool `json:"private,omitempty"`
}

// Conversation is a contact's thread on a line.
type Conversation struct {
	ID              string    `json:"id"`
	LineID          string    `json:"line_id"`
	UnitID          string    `json:"unit_id"`
	ChannelID       string    `json:"channel_id"`
	ChannelKind     string    `json:"channel_kind"`
	ContactID       string    `json:"contact_id"`
	ContactName     string    `json:"contact_name"`
	ExternalChatID  string    `json:"external_chat_id"`
	Status          string    `json:"status"`
	AssigneeID      string    `json:"assignee_id,omitempty"`
	Priority        int       `json:"priority"`
	Spam            bool      `json:"spam"`
	Subject         string    `json:"subject,omitempty"`
	LastSeq         int64     `json:"last_seq"`
	Unread          int       `json:"unread"`
	Rating          int       `json:"rating,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	QueuedAt        time.Time `json:"queued_at,omitzero"`
	AssignedAt      time.Time `json:"assigned_at,omitzero"`
	FirstResponseAt time.Time `json:"first_response_at,omitzero"`
	LastMessageAt   time.Time `json:"last_message_at,omitzero"`
	ClosedAt        time.Time `json:"closed_at,omitzero"`
	// CampaignID and CampaignName name the mass mailing the member
	// answered by writing in (package mailing); the console shows
	// "reply to mailing «name»".
	CampaignID   string `json:"campaign_id,omitempty"`
	CampaignName string `json:"campaign_name,omitempty"`
	// SnoozedUntil (ms) hides an operator's conversation from the active
	// list until then, or until the contact writes (SnoozeUntilReply);
	// 0 when it is not snoozed (snooze.go).
	SnoozedUntil int64 `json:"snoozed_until,omitempty"`
	// ServiceLevel is the service levels' clock (sla.go).
	ServiceLevel
	// ThreadKey names the post a comment conversation is about (the
	// commenter's conversation per post); empty for private chats. Thread
	// is the post, read with the conversation (thread.go).
	ThreadKey string  `json:"thread_key,omitempty"`
	Thread    *Thread `json:"thread,omitempty"`
	// Labels are the ids of its labels (labels.go); nil when not read.
	Labels []string `json:"labels"`
	// ContactLabels are the ids of its contact's labels (contact_labels.go).
	ContactLabels []string `json:"contact_labels"`
	// Match is the message a search found the conversation by (search.go).
	Match *Snippet `json:"match,omitempty"`
}

func ms(t int64) time.Time {
	if t == 0 {
		return time.Time{}
	}
	return time.UnixMilli(t)
}

// ErrBadChannelToken refuses a webhook or API call whose channel
// credentials are wrong.
var ErrBadChannelToken = fmt.Errorf("%w: wrong channel token", auth.ErrNoSession)
