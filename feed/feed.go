// Package feed is the staff feed: announcements by chairmen, deputies,
// secretaries and administrators (access.PostFeed) to an audience of unit
// subtrees and named people, with formatted text (sanitised on the way
// in), files and pictures, polls, comments, reactions and pinning. An
// important post asks each reader to confirm it ("Ознакомлен"); its author
// and the administrators over it see who has and who has not, and remind
// those who have not, at most once a day, by hand or by the daily sweep.
//
// A post reaches only its audience: every read goes through visibleSQL,
// so someone outside it cannot open the post, its comments or its files
// by id (404). The feed also shows the document and appeal events the
// reader may see, read through the ports of ports.go (the workflow's
// activity feed and the CRM's appeals, the sources the home page and the
// documents page already use), merged with the posts by time.
//
//	Service   publish, read, merge                    feed.go, post.go, read.go
//	          confirmations and reminders             confirm.go
//	          comments, reactions, polls, pins        social.go
//	          files and pictures                      files.go
//	          the live stream of new posts            stream.go
//	store     SQL                                     store.go
//	handlers  the JSON API                            routes.go
package feed

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// Reactions are the emoji a reader may put under a post.
var Reactions = []string{"👍", "❤️", "🎉", "👏", "🤔"}

// Limits of what one post holds.
const (
	MaxTextRunes   = 20000
	MaxComment     = 4000
	MaxPollOptions = 10
	MaxFiles       = 10
	MaxFileBytes   = 20 << 20
	MaxAudience    = 50 // units and people named on one post
)

// UploadPrefix is where files are uploaded; the hub gives it a large body.
const UploadPrefix = "/api/v1/feed/uploads"

// Kinds of notices this package sends (the notification centre's names).
const (
	NoticeImportant = "feed_important"
	NoticeReminder  = "feed_reminder"
)

// Alert is a notice for the notification centre.
type Alert struct {
	Key, UserID, Kind, Text, Link string
}

// Alerter records notices (the notification centre).
type Alerter interface {
	Alert(ctx context.Context, tx db.Execer, a Alert) error
}

// Deps is what the service needs from the hub; the ports may be nil.
type Deps struct {
	DB        *db.DB
	Blobs     blob.Store
	Log       *slog.Logger
	Zone      *time.Location // the day of "once a day"; nil: config.DefaultZone
	Alerts    Alerter
	Documents DocumentEvents
	Appeals   Appeals
}

// Service is the feed's one service.
type Service struct {
	db   *db.DB
	log  *slog.Logger
	zone *time.Location
	deps Deps
	now  func() time.Time

	mu   sync.Mutex
	subs map[chan struct{}]struct{} // this node's live streams
	last string                     // the newest post id the watcher saw
	done chan struct{}
	once sync.Once
}

// New builds the service; Run starts its live watcher.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	zone := d.Zone
	if zone == nil {
		zone = config.DefaultZone()
	}
	return &Service{db: d.DB, log: d.Log.With("pkg", "feed"), zone: zone, deps: d, now: time.Now,
		subs: map[chan struct{}]struct{}{}, done: make(chan struct{})}
}

// SetClock replaces the service's clock (tests of "once a day").
func (s *Service) SetClock(now func() time.Time) { s.now = now }

func (s *Service) today() string { return s.now().In(s.zone).Format(time.DateOnly) }

// Link is where a post is opened.
func Link(id string) string { return "/feed#post-" + id }
