// Package widget is the site chat: a script a union's website embeds with
// one tag, and the public endpoints under /widget/ it talks to. A visitor
// is a contact of the widget channel (identity private to the channel);
// their messages go through the inbox's normal ingest, keyed by the
// client's message id so a message resent after a drop is stored once.
// Operators' replies reach the visitor's sockets from the conversation's
// messages in SQL, read by seq: a socket on any node is woken (by the
// sender through Redis pub/sub, or by the inbox's event log) and reads what
// it has not sent yet, so nothing is lost on a reconnect and nothing
// depends on which node the operator is on.
package widget

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/kv"
	"github.com/profhub/profhub/org"
)

// Staff is what the widget shows visitors of the operators: their names
// and photos (org's store satisfies it).
type Staff interface {
	GetUser(ctx context.Context, sc access.Scope, id string) (org.User, error)
	AvatarKey(ctx context.Context, userID string) (string, error)
	IsAvatar(ctx context.Context, key string) (bool, error)
}

// Inbox is what the widget uses of the inbox: the hub fills it from the
// inbox's services.
type Inbox struct {
	inbox.Ingester         // visitors' messages in
	inbox.EventReader      // the event log, followed for visitors' sockets
	inbox.ContactSignals   // visitors' typing and read marks
	inbox.Rater            // visitors' ratings
	inbox.AttachmentServer // files of a visitor's chat
	Lines                  *inbox.Lines
	Channels               *inbox.Channels
	Conversations          *inbox.Conversations
	Supervisor             *inbox.Supervisor // who is online, for the away state
	Notes                  ChannelNoter      // transcripts sent, in the conversation's history
}

// Deps is what the widget needs from the hub.
type Deps struct {
	Inbox  Inbox
	DB     *db.DB
	KV     *kv.Client
	Blobs  blob.Store
	Org    Staff
	Config *config.Config
	Log    *slog.Logger
	Limits Limits // zero fields take DefaultLimits
	Mailer Mailer // answers away visitors by e-mail; nil: never
	// Metrics takes the widget's counters; nil: not exported.
	Metrics prometheus.Registerer
}

// system is the widget's own scope for reading the inbox: visitors are
// authenticated by their token, and only their conversation is read.
var system = access.System("widget")
