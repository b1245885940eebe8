package inbox

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Services are the inbox of one hub node, one service per job, so that a
// feature has one type and one file to change (see docs/ARCHITECTURE.md):
//
//	Lines          line.go, line_store.go                  open lines and their operators
//	Channels       channel.go, channel_hooks.go            the channels registry and connectors' hooks
//	Conversations  query.go, linked_chats.go               conversations, their messages and routing log
//	Ingestion      ingest*.go, batcher.go, apichannel.go   a member's message in: contact, conversation, queue
//	Routing        routing.go, router.go, rebuild.go       queues and offers; take, accept, decline, transfer
//	Presence       presence.go                             operators' presence and their offers
//	Dispatch       dispatch_post.go, dispatch*.go          replies and notes out through the senders, retries
//	Pacing         pacing.go                               providers' rate limits shared by every node
//	Actions        actions.go, rating.go, contact_link.go  a conversation's state: close, reopen, priority, member
//	Ratings        rating_request.go                       the contact's rating asked for on close, answered by token
//	Events         relay.go, client.go, contact_live.go    live events to consoles, typing and read marks
//	Attachments    attachments.go                          files of messages
//	Search         search_index.go, search.go              the words of messages indexed for search
//	QuickAnswers   quick_answers.go                        canned replies of operators and lines
//	Stats          stats.go                                figures per operator and line for a period
//	Supervisor     supervisor.go                           the supervisors' live overview of their lines
//	Outreach       outreach.go                             conversations an operator starts with a member
//	Labels         labels.go, contact_labels.go            coloured labels on conversations and contacts
//	Views          views.go                                saved views of the console's list filter
//	Automation     automation.go                           what the automation package reads and writes
//	SLA            sla*.go                                 service levels: due times, the breach sweeper, counts
//
// The workers (group commit, relay, router, dispatcher and housekeeping in
// housekeeping.go) run between Start and Stop. The write path every
// service shares (a transaction, then Redis and the relay) is core's, in
// txw.go. Connectors hold the small interfaces of ports.go, not Services.
//
// Each embeds the shared core and holds only the other services it calls.
// The HTTP handlers are small types of their own in the *_routes.go files,
// over the services; routes.go is the table of contents. Several nodes
// share SQL and Redis and cooperate through them.
type Services struct {
	Lines         *Lines
	Channels      *Channels
	Conversations *Conversations
	Ingestion     *Ingestion
	Routing       *Routing
	Presence      *Presence
	Dispatch      *Dispatch
	Pacing        *Pacing
	Actions       *Actions
	Events        *Events
	Attachments   *Attachments
	Search        *SearchIndex
	QuickAnswers  *QuickAnswers
	Stats         *Statistics
	Supervisor    *Supervisor
	Outreach      *Outreach
	Labels        *Labels
	Views         *Views
	Automation    *Automation
	SLA           *SLA
	Ratings       *Ratings

	core    *core
	batch   *batcher
	house   *housekeeper
	stop    context.CancelFunc
	workers sync.WaitGroup
}

// New builds the inbox's services; Start runs their workers.
func New(d Deps) (*Services, error) {
	if d.Zone != nil {
		zone.Store(d.Zone)
	}
	c := &core{db: d.DB, kv: d.KV, blobs: d.Blobs, box: d.Box, log: d.Log.With("pkg", "inbox"), node: d.NodeID, alerts: d.Alerts, absences: d.Absences,
		lines: newTTLCache[Line](3 * time.Second), channels: newTTLCache[Channel](3 * time.Second),
		metric: newMetrics(d.Metrics), offers: make(chan offerAlert, 1024)}
	if c.node == "" {
		c.node = "node"
	}
	if d.Calendar != nil {
		workingCalendar.Store(&calendarBox{d.Calendar})
	}
	s := &Services{core: c}
	var ctx context.Context
	ctx, s.stop = context.WithCancel(context.Background())
	c.ctx = ctx

	routing := &Routing{core: c}
	// A changed line re-mirrors its operators to Redis and wakes the
	// router, which are routing's jobs; the Lines service only reports.
	lines := &Lines{core: c, changed: routing.lineChanged}
	routing.lineSvc = lines
	presence := &Presence{core: c}
	routing.presence = presence
	channels := &Channels{core: c, lines: lines, hooks: map[string]ChannelHook{}}
	dispatch := &Dispatch{core: c, senders: map[string]Sender{}}
	events := &Events{core: c, lines: lines, dispatch: dispatch, presence: presence}
	attachments := &Attachments{core: c}
	dispatch.attachments = attachments
	dispatch.routing = routing
	actions := &Actions{core: c, events: events}
	ingestion := &Ingestion{core: c}

	s.Lines = lines
	s.Channels = channels
	s.Conversations = &Conversations{core: c}
	s.Ingestion = ingestion
	s.Routing = routing
	s.Presence = presence
	s.Dispatch = dispatch
	s.Pacing = &Pacing{core: c}
	s.Actions = actions
	s.Events = events
	s.Attachments = attachments
	s.Search = &SearchIndex{core: c}
	s.QuickAnswers = &QuickAnswers{core: c, lines: lines}
	s.Stats = &Statistics{core: c, lines: lines}
	s.Supervisor = &Supervisor{core: c, lines: lines}
	s.Outreach = &Outreach{core: c, dispatch: dispatch}
	s.Labels = &Labels{core: c}
	s.Views = &Views{core: c}
	s.Automation = &Automation{core: c, events: events}
	s.SLA = &SLA{core: c, lines: lines, now: time.Now}
	s.Ratings = &Ratings{core: c}

	c.events = newRelay(events)
	c.router = newRouter(routing)
	s.batch = newBatcher(ingestion)
	ingestion.batch = s.batch
	s.house = &housekeeper{core: c, presence: presence, actions: actions}
	dispatch.RegisterSender(KindAPI, &webhookSender{})
	return s, nil
}

// Start runs the background workers: group commit, event relay, routing
// sweeps, dispatch and housekeeping.
func (s *Services) Start() {
	// Rebuild Redis's routing state (if it is empty) before anything routes:
	// a rebuild running after the first offers would drop them.
	ctx, cancel := context.WithTimeout(s.core.ctx, 10*time.Second)
	if err := s.Routing.ensureBuilt(ctx); err != nil {
		s.core.log.Warn("routing state not rebuilt at start; the sweeper retries", "err", err)
	}
	cancel()
	s.goWorker("ingest batcher", s.batch.run)
	s.core.group = newGroupWriter(s.core)
	s.goWorker("write group", s.core.group.run)
	s.goWorker("event relay", s.core.events.run)
	s.goWorker("router", s.core.router.run)
	s.goWorker("dispatcher", s.Dispatch.runDispatcher)
	s.goWorker("housekeeping", s.house.run)
	s.goWorker("search indexer", s.Search.runSearchIndexer)
	s.goWorker("service levels", s.SLA.run)
	if s.core.alerts != nil {
		s.goWorker("offer alerts", s.core.runOfferAlerts)
	}
}

func (s *Services) goWorker(name string, fn func(ctx context.Context)) {
	s.workers.Add(1)
	go func() {
		defer s.workers.Done()
		fn(s.core.ctx)
		s.core.log.Debug("worker stopped", "worker", name)
	}()
}

// Stop ends the workers and waits for them; work not finished stays in SQL
// for another node or the next start.
func (s *Services) Stop() {
	s.stop()
	s.workers.Wait()
}

// The service types, each over the shared core. Their methods live in the
// files named in the doc comment of Services.

// Ingestion takes members' messages in: it finds or makes the contact and
// the conversation, stores the message and queues the conversation, in
// group commits (batcher.go).
type Ingestion struct {
	*core
	batch   *batcher
	replies replyMatcher
}

// Routing hands conversations to operators: the Redis queues and offers,
// take, accept, decline, take-over and transfer, and the rebuild of the
// queues from SQL.
type Routing struct {
	*core
	lineSvc  *Lines    // a transfer checks the caller may see the target line
	presence *Presence // the router's sweep checks who is still present
}

// Presence keeps operators' presence (online, away, absent) and the
// offers waiting for them.
type Presence struct{ *core }

// Dispatch sends replies and notes: it stores them as pending and its
// worker hands each to its channel kind's Sender, with retries and
// pacing.
type Dispatch struct {
	*core
	attachments *Attachments // a reply's files were uploaded first
	routing     *Routing     // a reply to a waiting conversation takes it

	senders map[string]Sender // by channel kind
	sendMu  sync.RWMutex
}

// Pacing keeps providers' rate limits and pauses in Redis, where every
// node sending for one bot sees them.
type Pacing struct{ *core }

// Actions change a conversation's state: close, reopen, priority, spam,
// member link, read marks and ratings.
type Actions struct {
	*core
	events *Events                        // read marks reach the contact
	cards  atomic.Pointer[memberScopeBox] // the CRM's scope check of linked cards
}

// Ratings takes contacts' answers to the rating requests sent on close
// (rating_request.go).
type Ratings struct{ *core }

// Events carries live events to consoles (clients of the relay) and
// signals (typing, read) to contacts.
type Events struct {
	*core
	lines    *Lines    // a console follows the lines it works in
	dispatch *Dispatch // its senders may be ContactNotifiers
	presence *Presence // a reconnecting console re-reads its offers
}

// Attachments stores, resolves and serves the files of messages.
type Attachments struct{ *core }

// housekeeper is the periodic worker: queue alerts, auto-close, and
// return of absent operators' conversations.
type housekeeper struct {
	*core
	presence *Presence // absent operators' conversations return to the queue
	actions  *Actions  // idle conversations are closed
}
