package inbox

import "sync"

// The service types, each over the shared core. Their methods live in the
// files named in the doc comment of Services.

// Ingestion takes members' messages in: it finds or makes the contact and
// the conversation, stores the message and queues the conversation, in
// group commits (batcher.go).
type Ingestion struct {
	*core
	batch    *batcher
	dispatch *Dispatch // auto-replies go out as replies
	replies  replyMatcher
}

// Routing hands conversations to operators: the Redis queues and offers,
// take, accept, decline, take-over and transfer, and the rebuild of the
// queues from SQL.
type Routing struct {
	*core
	lineSvc  *Lines
	presence *Presence
}

// Presence keeps operators' presence (online, away, absent) and the
// offers waiting for them.
type Presence struct {
	*core
	lines *Lines
}

// Dispatch sends replies and notes: it stores them as pending and its
// worker hands each to its channel kind's Sender, with retries and
// pacing.
type Dispatch struct {
	*core
	attachments *Attachments
	routing     *Routing // a reply to a waiting conversation takes it

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
	routing *Routing
	events  *Events
}

// Events carries live events to consoles (clients of the relay) and
// signals (typing, read) to contacts.
type Events struct {
	*core
	lines    *Lines
	dispatch *Dispatch // its senders may be ContactNotifiers
	presence *Presence // a reconnecting console re-reads its offers
}

// Attachments stores, resolves and serves the files of messages.
type Attachments struct{ *core }

// housekeeper is the periodic worker: queue alerts, auto-close, and
// return of absent operators' conversations.
type housekeeper struct {
	*core
	routing  *Routing
	presence *Presence
	actions  *Actions
}
