// Package calendar is the staff calendar: a personal calendar for every
// employee, one per unit and one for the federation; events (meetings,
// plenums, trainings, receptions of members) with invitees, reminders and
// repeats; invitations by e-mail as iCalendar METHOD:REQUEST; phones and
// desktop programs sync both ways over CalDAV with an app password, and a
// read-only iCalendar feed is served by a secret address.
//
// The package reaches the staff directory, the CRM's members, the mail
// channel and the notification centre through the small ports below; the
// hub wires them. It never imports another domain's store.
//
//	Service    calendars, events, access       calendar.go, calendar_store.go, event*.go, events.go
//	repeats    RRULE checks and expansion      repeat.go
//	iCalendar  encode and decode, sanitising   ical.go, feed.go
//	invitations, answers, reminders, birthdays invite.go, remind.go, birthdays.go
//	secrets    app passwords and feed tokens   secrets.go
//	handlers   JSON API, CalDAV, feed          routes.go, dav_routes.go, dav_backend.go, dav_write.go
package calendar

import (
	"context"
	"log/slog"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
)

// Kinds of calendars.
const (
	Personal   = "personal"
	Unit       = "unit"
	Federation = "federation"
)

// Kinds of events; the UI names them ("calendar.kind.…").
var EventKinds = []string{"meeting", "plenum", "training", "reception", "other"}

// Answers an invitee gives.
var Answers = []string{"accepted", "declined", "tentative"}

// Calendar is one calendar as its reader sees it.
type Calendar struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	OwnerID  string `json:"-"`
	UnitID   string `json:"unit_id,omitempty"`
	UnitPath string `json:"-"`
	CanWrite bool   `json:"can_write"`
}

// Person is someone who can be invited: a member of staff or a member of
// the union from the CRM.
type Person struct {
	Kind  string `json:"kind"` // "user" or "member"
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// Staff finds employees (the org directory).
type Staff interface {
	// Person returns an enabled employee; a disabled one is not found.
	Person(ctx context.Context, id string) (Person, error)
	// ByLogin is for CalDAV sign-in: the user and whether they are disabled.
	ByLogin(ctx context.Context, login string) (auth.User, error)
	ByID(ctx context.Context, id string) (auth.User, error)
}

// Members finds CRM members the caller may see, for receptions.
type Members interface {
	Member(ctx context.Context, sc access.Scope, id string) (Person, error)
	// BornIn lists the current members of sc's units born in month
	// (1–12), at most limit.
	BornIn(ctx context.Context, sc access.Scope, month, limit int) ([]MemberBirth, error)
}

// Alert is a notice for the notification centre (notify.Notice's fields).
type Alert struct {
	Key, UserID, Kind, Text, Link string
}

// Alerter is the notification centre as the calendar hears it.
type Alerter interface {
	Alert(ctx context.Context, tx db.Execer, a Alert) error
}

// Mailer sends a letter about an event with its iCalendar part, whose
// METHOD is method: REQUEST (an invitation, or its update) or CANCEL.
type Mailer interface {
	SendInvitation(ctx context.Context, method, to, subject, text string, ics []byte) error
}

// Notice kinds this package records (notify's catalogue names them).
const (
	NoticeInvitation = "calendar_invitation"
	NoticeReminder   = "calendar_reminder"
)

// Deps is what the calendar needs from the hub.
type Deps struct {
	DB      *db.DB
	Log     *slog.Logger
	Zone    *time.Location // the installation's zone
	Staff   Staff
	Members Members // nil: receptions invite staff only
	Alerts  Alerter // nil: no notices
	Mailer  Mailer  // nil: invitations are not mailed
	// Translate names calendars and letters in the user's language (web/i18n.T).
	Translate func(lang, key string, args ...any) string
	BaseURL   string
}

// Service is the calendar domain.
type Service struct {
	deps Deps
	db   *db.DB
	log  *slog.Logger
	now  func() time.Time
}

// New builds the service.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Zone == nil {
		d.Zone = time.UTC
	}
	if d.Translate == nil {
		d.Translate = func(_, key string, _ ...any) string { return key }
	}
	return &Service{deps: d, db: d.DB, log: d.Log, now: time.Now}
}

// Caller is who acts, with what the calendar shows them in.
type Caller struct {
	Scope    access.Scope
	Name     string // full name, for the personal calendar
	UnitName string
	Lang     string
	Zone     *time.Location
}

// CallerOf builds a Caller from a signed-in user.
func (s *Service) CallerOf(u auth.User, from string) Caller {
	z := s.deps.Zone
	if u.TimeZone != "" {
		if l, err := time.LoadLocation(u.TimeZone); err == nil {
			z = l
		}
	}
	return Caller{Scope: u.Scope(from), Name: u.FullName, UnitName: u.UnitName, Lang: u.Lang, Zone: z}
}

// SetNow fixes the clock, for tests.
func (s *Service) SetNow(f func() time.Time) { s.now = f }
