package widget

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/inbox"
)

// Services is the widget as a set of services, one per job, so that a
// feature has one type and one file to change (see docs/ARCHITECTURE.md):
//
//	Channels     settings.go, limits_channel.go  a request's widget channel: settings, origin, limits
//	Lines        state.go           a line's hours and whether someone is online (cached)
//	Operators    operators.go       operators' names and photos as visitors see them
//	Visitors     visitor_store.go   visitors' rows and tokens (SQL)
//	Uploads      upload_store.go    visitors' files before they are sent (SQL)
//	Letters      letter_store.go    answers e-mailed to away visitors (SQL)
//	Limiter      limits.go          per-address counters and socket slots (Redis)
//	Presence     presence.go        which visitors have a socket on some node (Redis)
//	Wakeups      wakeups.go         waking sockets and passing live signals on every node
//	Events       events.go          the inbox's event log, followed for this node's sockets
//	Sessions     sessions.go        starting, resuming and ending a visitor's session
//	Messages     messages.go        a visitor's message into the inbox; what they see of it
//	Sockets      socket.go, ws.go   this node's visitor sockets (registry.go)
//	Delivery     delivery.go        the inbox.Sender: replies and operators' signals out
//	AwayMail     mail.go            replies e-mailed to visitors who are away
//	MailReplies  mail_reply.go      visitors' answers to those letters
//	Triggers     proactive.go       proactive messages: the triggers, their shows and answers (SQL)
//	Transcripts  transcript*.go     conversations' transcripts by e-mail, their limits and the letter on close
//
// The HTTP handlers are small types of their own in the *_routes.go
// files, over the services; routes.go is the table of contents.
type Services struct {
	Channels    *Channels
	Lines       *LineStates
	Operators   *Operators
	Visitors    *Visitors
	Uploads     *Uploads
	Letters     *Letters
	Limiter     *Limiter
	Presence    *Presence
	Wakeups     *Wakeups
	Events      *EventFollower
	Sessions    *Sessions
	Messages    *Messages
	Sockets     *Sockets
	Delivery    *Delivery
	AwayMail    *AwayMail
	MailReplies *MailReplies
	Triggers    *Triggers
	Transcripts *Transcripts

	d    Deps
	ctx  context.Context
	stop context.CancelFunc
	done sync.WaitGroup
}

// New builds the widget's services; the hub registers its Sender and
// ValidateChannel with the inbox.
func New(d Deps) *Services {
	d.Log = d.Log.With("pkg", "widget")
	s := &Services{d: d}
	s.ctx, s.stop = context.WithCancel(context.Background())
	local := newRegistry()
	s.Channels = &Channels{channels: d.Inbox.Channels, cfg: d.Config, limits: d.Limits.withDefaults()}
	s.Lines = &LineStates{lines: d.Inbox.Lines, supervisor: d.Inbox.Supervisor, cache: newStateCache(10 * time.Second)}
	s.Operators = &Operators{org: d.Org, names: newNameCache()}
	s.Visitors = &Visitors{db: d.DB}
	s.Uploads = &Uploads{db: d.DB}
	s.Letters = &Letters{db: d.DB}
	s.Triggers = &Triggers{db: d.DB, channels: d.Inbox.Channels}
	s.Limiter = &Limiter{kv: d.KV, cfg: d.Config, log: d.Log}
	s.Presence = &Presence{kv: d.KV, log: d.Log}
	s.Wakeups = &Wakeups{kv: d.KV, log: d.Log, node: uuid.NewString(), local: local, out: newOutbox()}
	s.Events = &EventFollower{inbox: d.Inbox, log: d.Log, local: local}
	s.Messages = &Messages{inbox: d.Inbox.Ingester, visitors: s.Visitors, channels: s.Channels, lines: s.Lines,
		operators: s.Operators, wakeups: s.Wakeups, triggers: s.Triggers}
	s.Sessions = &Sessions{visitors: s.Visitors, limiter: s.Limiter, channels: s.Channels, wakeups: s.Wakeups, local: local}
	s.Sockets = &Sockets{node: s.ctx, kv: d.KV, log: d.Log, inbox: d.Inbox, local: local, channels: s.Channels,
		visitors: s.Visitors, uploads: s.Uploads, messages: s.Messages, limiter: s.Limiter, presence: s.Presence,
		turns: newFlushTurns(maxOpenConnections(d.DB)), shown: newShownCounter(d.Metrics)}
	s.AwayMail = &AwayMail{mailer: d.Mailer, visitors: s.Visitors, letters: s.Letters, presence: s.Presence,
		operators: s.Operators, log: d.Log}
	s.Delivery = &Delivery{wakeups: s.Wakeups, away: s.AwayMail, operators: s.Operators}
	var zone *time.Location
	if d.Config != nil {
		zone = d.Config.Zone()
	}
	s.Transcripts = &Transcripts{mailer: d.Mailer, log: &TranscriptLog{db: d.DB}, letters: s.Letters, notes: d.Inbox.Notes, inbox: d.Inbox,
		visitors: s.Visitors, channels: s.Channels, operators: s.Operators, triggers: s.Triggers, zone: zone, logger: d.Log,
		closings: make(chan closing, 256)}
	s.Events.closed = s.Transcripts.closed
	s.MailReplies = &MailReplies{letters: s.Letters, visitors: s.Visitors, channels: s.Channels, messages: s.Messages, log: d.Log}
	return s
}

// Sender delivers operators' replies to visitors' sockets.
func (s *Services) Sender() inbox.Sender { return s.Delivery }

// Start follows the inbox's events and the visitors' wake-ups from other
// nodes, for the sockets of this node.
func (s *Services) Start() {
	s.done.Add(5)
	go func() {
		defer s.done.Done()
		s.Transcripts.mailClosings(s.ctx)
	}()
	go func() {
		defer s.done.Done()
		s.Sockets.keepSlots(s.ctx)
	}()
	go func() {
		defer s.done.Done()
		s.Events.follow(s.ctx)
	}()
	go func() {
		defer s.done.Done()
		s.Wakeups.follow(s.ctx)
	}()
	go func() {
		defer s.done.Done()
		s.Wakeups.send(s.ctx)
	}()
}

// Stop closes the visitors' sockets (they reconnect to another node),
// gives the closing handshakes a few seconds, and ends the followers.
func (s *Services) Stop() {
	closed := s.Sockets.closeAll()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
	}
	s.stop()
	<-closed
	s.done.Wait()
}
