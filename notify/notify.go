// Package notify tells people when something needs them: a conversation
// offered or handed to them, an appeal or a document sent to them, a
// deadline, a mention, a mailing that stopped, a failing channel. Each
// notice is stored once per person and event (the source names the event
// with a key), shown by the bell of every page and, as the person chose
// for its kind, e-mailed, pushed to the browsers and phones they
// subscribed (Web Push), and sent to their linked Telegram account with
// buttons where one action fits (telegram*.go).
//
// The sources do not import this package: each domain declares its own
// small port (workflow.Alerter, inbox.Alerter, crm.Alerter) and the hub
// satisfies it with Service.Record. A source that records inside its own
// transaction (a task and its notice commit together) passes that
// transaction; the others pass nil.
//
//	Service   record, list, read, preferences      notify.go, store.go, prefs.go
//	worker    the e-mail copies and the live wake   deliver.go, stream.go
//	push      Web Push subscriptions and copies     push.go, push_store.go
//	Telegram  link codes, copies, the bot's buttons telegram.go, telegram_link.go, telegram_bot.go
//	handlers  the JSON API and the bell's stream    routes.go, push_routes.go, telegram_routes.go
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Kinds of notices. Their names are shown translated ("notify.kind.…").
const (
	ConversationOffered     = "conversation_offered"
	ConversationTransferred = "conversation_transferred"
	// A line's service-level target missed (inbox.AlertFirstResponseLate, AlertResolutionLate).
	FirstResponseLate    = "conversation_first_response_late"
	ResolutionLate       = "conversation_resolution_late"
	AppealAssigned       = "appeal_assigned"
	DocumentResolution   = "document_resolution"
	DocumentApproval     = "document_approval"
	DocumentAcquaintance = "document_acquaintance"
	DocumentTask         = "document_task"
	DeadlineTomorrow     = "deadline_tomorrow"
	DeadlineOverdue      = "deadline_overdue"
	Mention              = "mention"
	MailingFinished      = "mailing_finished"
	MailingPaused        = "mailing_paused"
	ChannelFailing       = "channel_failing"
	AbsenceRequested     = "absence_requested"   // to the heads: a request awaits their decision
	AbsenceDecided       = "absence_decided"     // to the person: their request was approved or rejected
	AbsentExecutor       = "absent_executor"     // to who gave work to a person now away
	CalendarInvitation   = "calendar_invitation" // the calendar's names (calendar.NoticeInvitation)
	CalendarReminder     = "calendar_reminder"
	FeedImportant        = "feed_important" // an important post asks the reader to confirm it (feed.NoticeImportant)
	FeedReminder         = "feed_reminder"  // a reminder to confirm one
	TaskAssigned         = "task_assigned"  // the tasks' names (tasks.AlertAssigned…)
	TaskChanged          = "task_changed"
	TaskOverdue          = "task_overdue"
)

// Kinds lists every kind in the order the preferences page shows them.
var Kinds = []string{ConversationOffered, ConversationTransferred, FirstResponseLate, ResolutionLate, Mention, AppealAssigned,
	DocumentResolution, DocumentApproval, DocumentAcquaintance, DocumentTask,
	DeadlineTomorrow, DeadlineOverdue, MailingFinished, MailingPaused, ChannelFailing,
	AbsenceRequested, AbsenceDecided, AbsentExecutor, CalendarInvitation, CalendarReminder, FeedImportant, FeedReminder,
	TaskAssigned, TaskChanged, TaskOverdue}

// KindsFor are the kinds a role can receive, for its preferences page:
// the rest never reach it (a channel's failure is the administrators').
func KindsFor(role access.Role) []string {
	out := make([]string, 0, len(Kinds))
	for _, k := range Kinds {
		switch {
		case k == ChannelFailing && role != access.Administrator:
		case k == AbsenceRequested && !(access.Scope{Role: role}).Can(access.ApproveAbsences):
		case (k == MailingFinished || k == MailingPaused) && role == access.Executor:
		case (k == ConversationOffered || k == ConversationTransferred || k == FirstResponseLate || k == ResolutionLate) && role == access.Executor:
		default:
			out = append(out, k)
		}
	}
	return out
}

// Notice is one event for one person. Text says what it is about in the
// source's data (a document's number and title, a contact's name); the
// kind's name comes from the catalogue. The source chooses the people, and
// only people who may see the thing: a notice never says more than its
// link would show them.
type Notice struct {
	Key    string // the event's idempotency key: the same key for a person is recorded once
	UserID string
	Kind   string
	Text   string
	Link   string // a local path where it is acted on
}

// Item is a notice as its person reads it.
type Item struct {
	ID   string    `json:"id"`
	Kind string    `json:"kind"`
	Text string    `json:"text"`
	Link string    `json:"link,omitempty"`
	At   time.Time `json:"at"`
	Read bool      `json:"read"`
}

// Mailer sends the e-mail copies through the installation's mail channel
// (the hub's adapter of the mail connector, as the workflow uses).
type Mailer interface {
	SendLetter(ctx context.Context, mailChannelID, to, subject, text string) error
}

// Recipient is what an e-mail copy needs of a person.
type Recipient struct {
	Name     string // full name, for the Telegram link's greeting
	Email    string
	Lang     string
	Disabled bool
}

// Directory finds a person's address and language (the staff directory).
type Directory interface {
	Recipient(ctx context.Context, userID string) (Recipient, error)
}

// Deps is what the notification service needs from the hub.
type Deps struct {
	DB  *db.DB
	Log *slog.Logger
	// Mailer, MailChannel and Directory send the e-mail copies; without
	// them (or with no channel set) a pending copy is marked skipped.
	Mailer      Mailer
	MailChannel func(ctx context.Context) (string, error)
	Directory   Directory
	// Translate names kinds in e-mails (web/i18n.T).
	Translate func(lang, key string, args ...any) string
	// BaseURL makes the e-mail's link absolute.
	BaseURL string
	// Push sends the Web Push copies (push.go); nil: none are sent.
	Push Pusher
}

// Service records and reads notices, and keeps the bells live.
type Service struct {
	deps Deps
	db   *db.DB
	log  *slog.Logger
	now  func() time.Time

	mu   sync.Mutex
	subs map[string]map[chan struct{}]struct{} // user → this node's bell streams
	seen map[string]int64                      // items already announced → when seen (ms)
	wake chan struct{}
	done chan struct{} // closed by Stop: the bells' streams end
	once sync.Once
	base atomic.Pointer[string] // the hub's public address, for e-mails' links
	tg   *Telegram              // staff in Telegram (telegram.go)

	pushWake chan struct{} // the push loop's wake (push.go)
}

// New builds the service; Run starts its worker.
func New(deps Deps) *Service {
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	if deps.Translate == nil {
		deps.Translate = func(_, key string, _ ...any) string { return key }
	}
	s := &Service{deps: deps, db: deps.DB, log: deps.Log.With("pkg", "notify"), now: time.Now,
		subs: map[string]map[chan struct{}]struct{}{}, seen: map[string]int64{}, wake: make(chan struct{}, 1),
		pushWake: make(chan struct{}, 1), done: make(chan struct{})}
	s.SetBaseURL(deps.BaseURL)
	s.tg = newTelegram(s)
	return s
}

// SetBaseURL changes the public address the e-mail copies link to.
func (s *Service) SetBaseURL(u string) {
	u = strings.TrimRight(u, "/")
	s.base.Store(&u)
}

// Stop ends the bells' streams, so that a node shutting down does not wait
// for open pages (the hub calls it as its server shuts down).
func (s *Service) Stop() { s.once.Do(func() { close(s.done) }) }

// ErrUnknownKind refuses a notice of a kind this package does not know.
var ErrUnknownKind = errors.New("notify: unknown kind")

func validKind(k string) bool { return slices.Contains(Kinds, k) }

// Record stores n unless its person already has a notice with its key,
// and reports whether it was new. tx is the source's transaction (the
// notice commits with the change that caused it) or nil. The person's
// preferences for the kind decide whether the bell shows it and whether
// an e-mail copy is queued; a notice reaching them nowhere is still kept
// (hidden), so the key stays taken.
func (s *Service) Record(ctx context.Context, tx db.Execer, n Notice) (bool, error) {
	if !validKind(n.Kind) {
		return false, fmt.Errorf("%w: %q", ErrUnknownKind, n.Kind)
	}
	if n.UserID == "" || n.Key == "" {
		return false, errors.New("notify: a notice needs a person and an event key")
	}
	standalone := tx == nil
	if standalone {
		tx = s.db
	}
	d, err := s.delivery(ctx, tx, n.UserID, n.Kind)
	if err != nil {
		return false, err
	}
	d.Push = d.Push && s.deps.Push != nil // no push on this node: no backlog pushed when it comes back
	created, err := insertItem(ctx, tx, n, d, s.now().UnixMilli())
	if err != nil {
		return false, err
	}
	if created && standalone {
		s.poke()
	}
	return created, nil
}

// poke makes this node's worker look for new notices now.
func (s *Service) poke() {
	for _, ch := range []chan struct{}{s.wake, s.pushWake} {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
