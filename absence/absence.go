// Package absence keeps the staff's absences: vacation, sick leave,
// business trip and day off. A person requests one (or their head enters
// it), a head whose scope covers the person approves or rejects it, and
// the unit's absences are charted by month. An approved absence takes an
// operator out of routing (the inbox asks AbsentNow through its own port)
// and tells whoever gave an absent executor their documents' tasks.
//
// The other domains are reached through ports the hub satisfies: Watcher
// (the inbox's presence), WorkSource (the workflow's open tasks), Alerter
// (the notification centre). No domain imports this package's store.
//
//	Service   request, enter, decide, cancel, chart     absence.go, decide.go
//	store     SQL                                       store.go
//	handlers  the JSON API                              routes.go
package absence

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"time"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/storage/db"
)

// Kinds of absence.
const (
	Vacation     = "vacation"
	SickLeave    = "sick_leave"
	BusinessTrip = "business_trip"
	DayOff       = "day_off"
)

// Kinds lists them in the order forms offer them.
var Kinds = []string{Vacation, SickLeave, BusinessTrip, DayOff}

// Statuses of an absence.
const (
	Requested = "requested"
	Approved  = "approved"
	Rejected  = "rejected"
	Cancelled = "cancelled"
)

// MaxDays bounds one absence: a year.
const MaxDays = 366

// Absence is one stored absence.
type Absence struct {
	ID            string    `json:"id"`
	UserID        string    `json:"user_id"`
	UserName      string    `json:"user_name"`
	UnitID        string    `json:"unit_id"`
	Kind          string    `json:"kind"`
	StartsOn      string    `json:"starts_on"` // YYYY-MM-DD
	EndsOn        string    `json:"ends_on"`   // inclusive
	Status        string    `json:"status"`
	Comment       string    `json:"comment,omitempty"`
	RequestedBy   string    `json:"requested_by"`
	RequestedName string    `json:"requested_by_name"`
	DecidedBy     string    `json:"decided_by,omitempty"`
	DecidedName   string    `json:"decided_by_name,omitempty"`
	DecidedAt     time.Time `json:"decided_at,omitzero"`
	Reason        string    `json:"reason,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	// CanDecide says the caller may approve or reject it now.
	CanDecide bool `json:"can_decide,omitempty"`
}

// Input is a request or an entry. UserID "" is the caller.
type Input struct {
	UserID   string `json:"user_id"`
	Kind     string `json:"kind"`
	StartsOn string `json:"starts_on"`
	EndsOn   string `json:"ends_on"`
	Comment  string `json:"comment"`
}

// Watcher hears that a person's absences changed (the inbox's presence,
// which applies an absence that has begun to routing at once).
type Watcher interface {
	AbsenceChanged(ctx context.Context, userID string)
}

// Work is one open piece of work of an absent person and who gave it.
type Work struct {
	Key        string // stable id of the piece (a task's id)
	Text       string // what it is: "ВХ-12 · О проверке"
	Link       string
	AssignedBy string // the user to tell
}

// WorkSource lists a person's open work (the workflow's tasks).
type WorkSource interface {
	OpenWorkOf(ctx context.Context, userID string) ([]Work, error)
}

// Alert is a notice for the notification centre.
type Alert struct {
	Key, UserID, Kind, Text, Link string
}

// Kinds of notices this package sends (the notification centre's names).
const (
	AlertRequested = "absence_requested" // to the heads: a request awaits them
	AlertDecided   = "absence_decided"   // to the person: approved or rejected
	AlertAbsent    = "absent_executor"   // to who gave an absent person work
)

// Alerter records notices (the notification centre).
type Alerter interface {
	Alert(ctx context.Context, tx db.Execer, a Alert) error
}

// Deps is what the service needs from the hub; the ports may be nil.
type Deps struct {
	DB      *db.DB
	Log     *slog.Logger
	Zone    *time.Location // "today" of AbsentNow; nil: Orenburg (UTC+5)
	Watcher Watcher
	Work    WorkSource
	Alerts  Alerter
}

// Service is the absences' one service.
type Service struct {
	db   *db.DB
	log  *slog.Logger
	zone *time.Location
	deps Deps
	now  func() time.Time
}

// New builds the service.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	zone := d.Zone
	if zone == nil {
		zone = config.DefaultZone()
	}
	return &Service{db: d.DB, log: d.Log.With("pkg", "absence"), zone: zone, deps: d, now: time.Now}
}

func (s *Service) today() string { return s.now().In(s.zone).Format(time.DateOnly) }

// AbsentNow names the kind and last day of the person's approved absence
// today, or "" when they are at work.
func (s *Service) AbsentNow(ctx context.Context, userID string) (kind, until string, err error) {
	today := s.today()
	err = s.db.QueryRowContext(ctx, `SELECT kind, ends_on FROM absences
		WHERE user_id = $1 AND status = 'approved' AND starts_on <= $2 AND ends_on >= $2
		ORDER BY starts_on LIMIT 1`, userID, today).Scan(&kind, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	return kind, until, err
}
