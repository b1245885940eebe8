// Package chat is the staff's internal chat: one-to-one and group chats,
// and a chat per unit whose members are the unit's staff. Messages carry
// text, a reply to another message, files and images, mentions that
// notify, and a shared conversation, appeal, document or task as a link
// card whose title each reader sees only if they may see the thing.
//
// Every chat belongs to a unit (the unit's own for a unit chat, the
// creator's for the others): a member always reaches it, a non-member in
// whose scope it lies is refused (403), anyone else does not find it
// (404). The sender of a message is always the session's user.
//
// Live delivery follows the inbox's event stream: every change is a row
// of chat_events numbered in commit order; each node reads the log past
// its cursor when Redis pub/sub wakes it (and every second anyway), and a
// page's stream resumes from the last event id it saw, so a reconnect
// loses nothing and repeats nothing.
//
//	Service   chats, members, messages, read marks  chat.go, chats.go, messages.go
//	store     SQL                                   store.go
//	files     uploads to the blob store             files.go
//	search    history search by word forms          search.go
//	live      event log, relay, the page's socket   events.go, stream.go
//	handlers  the JSON API                          routes.go
package chat

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/kv"
)

// Kinds of chat.
const (
	Direct = "direct"
	Group  = "group"
	Unit   = "unit"
)

// Kinds of shared links.
const (
	LinkConversation = "conversation"
	LinkAppeal       = "appeal"
	LinkDocument     = "document"
	LinkTask         = "task"
)

// Limits.
const (
	MaxTextRunes  = 4000
	MaxFileBytes  = 20 << 20 // one file; larger ones are refused before they are read
	MaxFiles      = 10       // files on one message
	MaxGroupSize  = 200
	MaxTitleRunes = 200
	pageSize      = 50
)

// Chat is a chat as its member sees it in the list.
type Chat struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	Title    string    `json:"title"` // a direct chat's is the other person's name
	UnitID   string    `json:"unit_id"`
	LastNum  int64     `json:"last_num"`
	ReadNum  int64     `json:"read_num"`
	Unread   int       `json:"unread"`
	LastText string    `json:"last_text,omitempty"`
	LastFrom string    `json:"last_from,omitempty"`
	LastAt   time.Time `json:"last_at,omitzero"`
	Members  []Member  `json:"members,omitempty"`
}

// Member is a person in a chat.
type Member struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Surname string `json:"surname"` // what "@" completes
	ReadNum int64  `json:"read_num"`
}

// File is a file of a message.
type File struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// Link is a shared thing. Title and Href are empty when the reader may
// not see it: the card then says only that it is not available to them.
type Link struct {
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Title   string `json:"title,omitempty"`
	Href    string `json:"href,omitempty"`
	Visible bool   `json:"visible"`
}

// Quote is the message a reply answers, in short.
type Quote struct {
	ID      string `json:"id"`
	Num     int64  `json:"num"`
	From    string `json:"from"`
	Text    string `json:"text"`
	Deleted bool   `json:"deleted,omitempty"`
}

// Message is a message as a member reads it.
type Message struct {
	ID       string    `json:"id"`
	ChatID   string    `json:"chat_id"`
	Num      int64     `json:"num"`
	SenderID string    `json:"sender_id"`
	From     string    `json:"from"`
	Text     string    `json:"text"`
	ReplyTo  *Quote    `json:"reply_to,omitempty"`
	Files    []File    `json:"files"`
	Link     *Link     `json:"link,omitempty"`
	Mentions []Member  `json:"mentions"`
	At       time.Time `json:"at"`
	EditedAt time.Time `json:"edited_at,omitzero"`
	Deleted  bool      `json:"deleted,omitempty"`
}

// Linker names a shared thing to a reader: its title and where it opens,
// or db.ErrNotFound (or access.ErrForbidden) when the reader may not see
// it. The hub satisfies it with the inbox, the CRM and the workflow.
type Linker interface {
	LinkTitle(ctx context.Context, sc access.Scope, kind, id string) (title, href string, err error)
}

// Alert is a notice for the notification centre.
type Alert struct {
	Key, UserID, Text, Link string
}

// Alerter tells a mentioned person (the notification centre's "mention").
type Alerter interface {
	Mentioned(ctx context.Context, a Alert) error
}

// Deps is what the service needs from the hub; Links and Alerts may be nil.
type Deps struct {
	DB     *db.DB
	KV     *kv.Client
	Blobs  blob.Store
	Log    *slog.Logger
	Links  Linker
	Alerts Alerter
	// ICE is what the browsers need to reach each other in a call;
	// RingFor how long a call rings before it is missed (0: 45 s).
	ICE     ICE
	RingFor time.Duration
}

// Service is the chat's one service.
type Service struct {
	db    *db.DB
	blobs blob.Store
	log   *slog.Logger
	deps  Deps
	relay *relay
	// callsReady is closed once this node hears call frames, so no socket
	// opens before it could get them.
	callsReady chan struct{}
	callsOnce  sync.Once
	runCtx     context.Context // Run's: a ringing call's timer stops with the node
}

// New builds the service; Run starts its live relay.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	s := &Service{db: d.DB, blobs: d.Blobs, log: d.Log.With("pkg", "chat"), deps: d}
	s.relay = newRelay(s)
	s.callsReady = make(chan struct{})
	return s
}

// Run delivers committed events to this node's streams until ctx ends.
func (s *Service) Run(ctx context.Context) {
	s.runCtx = ctx // before callsReady: no call starts earlier
	if s.deps.KV != nil {
		go calls{s}.listenCalls(ctx)
	} else {
		s.callsOnce.Do(func() { close(s.callsReady) })
	}
	s.relay.run(ctx)
}

// ChatLink is where a chat opens on the web.
func ChatLink(id string) string { return "/chat#" + id }
