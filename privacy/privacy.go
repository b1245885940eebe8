// Package privacy carries the federation's duties as an operator of
// personal data (152-FZ): the access log of who opened, exported,
// listened to or downloaded a member's data; the subject report, all the
// hub holds about one member in one file; erasure (anonymisation) on
// request or withdrawal of consent; the consent register with versioned
// texts; and retention periods with a daily job that removes what
// expired, never what is under a legal hold.
//
// The data itself belongs to the other domains. Each says what it keeps
// and how to erase it in a pdata.Holder that the hub registers here; this
// package reads no other domain's table. Members (their names, scope and
// open appeals) come through the Subjects port.
//
//	Service     access log, report, erasure        access.go, report*.go, erase.go
//	consents    register, texts, export            consent.go
//	retention   periods, holds, the daily job       retention*.go
//	handlers    the JSON API                        routes.go
package privacy

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/pdata"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/kv"
)

// Subject is a member as this package needs them.
type Subject struct {
	ID       string
	FullName string
	UnitID   string
}

// Subjects is the CRM as seen from here.
type Subjects interface {
	// Subject is the member if sc may see their card (db.ErrNotFound
	// otherwise, for a card outside the scope too).
	Subject(ctx context.Context, sc access.Scope, memberID string) (Subject, error)
	// OpenAppeals counts the member's appeals not yet closed.
	OpenAppeals(ctx context.Context, memberID string) (int, error)
	// Names are the full names of the members by id (missing ids left out).
	Names(ctx context.Context, ids []string) (map[string]string, error)
	// ApplyConsent puts a consent given or withdrawn on the member's card,
	// whose consents decide what the mailings send (topic: the channel of
	// a mailing consent; day YYYY-MM-DD; source how it came).
	ApplyConsent(ctx context.Context, sc access.Scope, memberID, kind, topic string, given bool, day, source string) error
}

// Deps is what the service needs from the hub.
type Deps struct {
	DB       *db.DB
	KV       *kv.Client
	Blobs    blob.Store
	Log      *slog.Logger
	Zone     *time.Location // nil: config.DefaultZone()
	Subjects Subjects
	NodeID   string
	Now      func() time.Time // nil: time.Now; tests set the day
}

// Service is the package's one service.
type Service struct {
	db       *db.DB
	kv       *kv.Client
	blobs    blob.Store
	log      *slog.Logger
	zone     *time.Location
	subjects Subjects
	node     string
	now      func() time.Time

	mu      sync.RWMutex
	names   []string
	holders []pdata.Holder
}

// New builds the service. The hub registers the holders next.
func New(d Deps) *Service {
	s := &Service{db: d.DB, kv: d.KV, blobs: d.Blobs, log: d.Log, zone: d.Zone, subjects: d.Subjects, node: d.NodeID, now: d.Now}
	if s.zone == nil {
		s.zone = config.DefaultZone()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.Register("privacy", ownData{})
	return s
}

// Register adds a package's personal data under a name ("crm"). Holders
// report and erase in the order they were registered: the CRM first, so
// that the others find the member's addresses among the traces.
func (s *Service) Register(name string, h pdata.Holder) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := slices.Index(s.names, name); i >= 0 {
		s.holders[i] = h
		return
	}
	s.names = append(s.names, name)
	s.holders = append(s.holders, h)
}

// Tables are every table a registered holder covers, for the hub's test
// that no table keeping a member_id is forgotten.
func (s *Service) Tables() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for _, h := range s.holders {
		out = append(out, h.Tables()...)
	}
	return out
}

func (s *Service) registered() []pdata.Holder {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.holders)
}

// day formats ms as a date and time in the installation's zone.
func (s *Service) day(ms int64) string {
	if ms <= 0 {
		return ""
	}
	return time.UnixMilli(ms).In(s.zone).Format("02.01.2006 15:04")
}
