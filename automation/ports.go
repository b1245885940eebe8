package automation

import (
	"context"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
)

// Inbox is what rules read and write of the inbox beyond an operator's
// actions (*inbox.Automation).
type Inbox interface {
	LogHead(ctx context.Context) (int64, error)
	LogAfter(ctx context.Context, seq int64, limit int) ([]*inbox.Event, error)
	Conversation(ctx context.Context, id string) (inbox.Conversation, error)
	Line(ctx context.Context, id string) (inbox.Line, error)
	AutoReply(ctx context.Context, convID, text string) error
	RuleNote(ctx context.Context, convID, source, name, action, detail string) error
	Unanswered(ctx context.Context, before int64, limit int) ([]inbox.Unanswered, error)
	// LineQuickAnswer is a line's quick answer (a personal one is not
	// found); LineQuickAnswers all of them.
	LineQuickAnswer(ctx context.Context, id string) (inbox.QuickAnswer, error)
	LineQuickAnswers(ctx context.Context) ([]inbox.QuickAnswer, error)
}

// Operator is the operators' actions on a conversation, each checked
// against the scope it is called with (hub joins the inbox's services).
type Operator interface {
	Get(ctx context.Context, sc access.Scope, convID string) (inbox.Conversation, error)
	Transfer(ctx context.Context, sc access.Scope, convID string, in inbox.TransferInput) (inbox.Conversation, error)
	Close(ctx context.Context, sc access.Scope, convID string) (inbox.Conversation, error)
	SetPriority(ctx context.Context, sc access.Scope, convID string, priority int) (inbox.Conversation, error)
	SetLabel(ctx context.Context, sc access.Scope, convID, labelID string, on bool) (inbox.Conversation, error)
	Reply(ctx context.Context, sc access.Scope, convID string, in inbox.ReplyInput) (inbox.Message, error)
	// LineFor is a line the scope may see.
	LineFor(ctx context.Context, sc access.Scope, lineID string) (inbox.Line, error)
	Label(ctx context.Context, id string) (inbox.Label, error)
}

// CRM is what rules read and do in the member registry; nil: the
// organisation condition never holds and the appeal action fails.
type CRM interface {
	// Organisation is the unit id of the organisation of the member the
	// conversation's contact is linked to, or "".
	Organisation(ctx context.Context, convID string) (string, error)
	CreateAppeal(ctx context.Context, sc access.Scope, convID, subject string) error
	// Attribute is the value of the conversation's custom field key, as
	// text ("" when it has none).
	Attribute(ctx context.Context, convID, key string) (string, error)
}

// Notifier tells a person on the bell that a rule wants their attention;
// nil: the notify action fails.
type Notifier interface {
	RuleNotice(ctx context.Context, key, userID, text, link string) error
}

// Webhook is an endpoint a rule may call, as the editor lists it.
type Webhook struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Webhooks is the webhooks' durable, signed, retried outbox; nil: the
// webhook action fails. A disabled endpoint is as good as gone.
type Webhooks interface {
	// Webhook is an enabled endpoint, or an error.
	Webhook(ctx context.Context, id string) (Webhook, error)
	Webhooks(ctx context.Context) ([]Webhook, error)
	// Deliver queues one event (id, type automation.rule) for the endpoint.
	Deliver(ctx context.Context, endpointID, eventID string, data any) error
}
