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
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"

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
}

// Widget serves every widget channel of one hub node.
type Widget struct {
	inbox  Inbox
	db     *db.DB
	kv     *kv.Client
	blobs  blob.Store
	org    Staff
	cfg    *config.Config
	log    *slog.Logger
	limits Limits
	mailer Mailer
	node   string // names this node's wake-ups, which it does not need back

	local *registry
	state *stateCache
	names *nameCache

	ctx     context.Context
	stop    context.CancelFunc
	done    sync.WaitGroup
	sockets sync.WaitGroup
}

// New builds the widget; the hub registers its Sender and ValidateChannel
// with the inbox.
func New(d Deps) *Widget {
	w := &Widget{inbox: d.Inbox, db: d.DB, kv: d.KV, blobs: d.Blobs, org: d.Org, cfg: d.Config,
		log: d.Log.With("pkg", "widget"), limits: d.Limits.withDefaults(), mailer: d.Mailer,
		node: uuid.NewString(), local: newRegistry(), state: newStateCache(10 * time.Second), names: newNameCache()}
	w.ctx, w.stop = context.WithCancel(context.Background())
	return w
}

// Sender delivers operators' replies to visitors' sockets.
func (w *Widget) Sender() inbox.Sender { return sender{w: w} }

// Routes mounts the script, the demo page and the visitor endpoints.
func (w *Widget) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /widget/v1/widget.js", w.httpScript)
	mux.HandleFunc("GET /widget/demo", w.httpDemo)
	mux.HandleFunc("OPTIONS /widget/v1/", w.httpPreflight)
	mux.HandleFunc("GET /widget/v1/config/{channel}", w.httpConfig)
	mux.HandleFunc("POST /widget/v1/session/{channel}", w.httpSession)
	mux.HandleFunc("DELETE /widget/v1/session/{channel}", w.httpRevoke)
	mux.HandleFunc("GET /widget/v1/ws/{channel}", w.httpSocket)
	mux.HandleFunc("POST /widget/v1/upload/{channel}", w.httpUpload)
	mux.HandleFunc("GET /widget/v1/file/{channel}/{key}", w.httpFile)
	mux.HandleFunc("GET "+AvatarPath+"{key}", w.httpAvatar)
	mux.HandleFunc("POST /widget/v1/offline/{channel}", w.httpOffline)
	mux.HandleFunc("POST /widget/v1/rating/{channel}", w.httpRating)
}

// Start follows the inbox's events and the visitors' wake-ups from other
// nodes, for the sockets of this node.
func (w *Widget) Start() {
	w.done.Add(3)
	go func() {
		defer w.done.Done()
		w.keepSocketSlots(w.ctx)
	}()
	go func() {
		defer w.done.Done()
		w.followEvents(w.ctx)
	}()
	go func() {
		defer w.done.Done()
		w.followWakeups(w.ctx)
	}()
}

// Stop closes the visitors' sockets (they reconnect to another node),
// gives the closing handshakes a few seconds, and ends the followers.
func (w *Widget) Stop() {
	w.local.closeAll()
	closed := make(chan struct{})
	go func() { w.sockets.Wait(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
	}
	w.stop()
	<-closed
	w.done.Wait()
}

// Stored wakes the conversation's sockets on every node as soon as an
// operator's reply commits: the reply is in SQL, which is where the
// sockets read it.
func (s sender) Stored(ctx context.Context, _ inbox.Channel, convID string) {
	s.w.wakeConversation(ctx, convID, 0)
}

// SentWhenStored: a reply needs more than storing only when it may be
// e-mailed to a visitor who is away.
func (s sender) SentWhenStored(ch inbox.Channel) bool {
	return ch.Settings[settingMailChannel] == "" || s.w.mailer == nil
}

// sender is the widget's inbox.Sender. A reply is already in SQL, where
// every socket of the visitor reads it by seq (and a visitor who is away
// reads it on their next visit), so "sending" is done once it is stored:
// the sender only wakes the conversation's sockets on every node.
type sender struct{ w *Widget }

func (s sender) Send(ctx context.Context, ch inbox.Channel, m inbox.OutboundMessage) (inbox.SendResult, error) {
	s.w.wakeConversation(ctx, m.ConversationID, m.Seq) // usually shown already, by Stored

	if err := s.w.mailIfAway(ctx, ch, m); err != nil {
		return inbox.SendResult{}, err
	}
	return inbox.SendResult{ProviderID: m.ID}, nil
}
