// Package worktime records the staff's working time and keeps the units'
// monthly time sheets. A person starts, pauses, resumes and ends the
// working day from the page header; each stretch is an interval counted to
// the day it began on in the person's zone, up to that day's midnight. The
// time sheet of a unit shows each person's hours by day against the
// production calendar, with their approved absences by letter code, and
// the unit's head corrects a cell with a reason, kept beside the computed
// value and audited.
//
// Other domains are reached through ports the hub satisfies: Calendar (the
// production calendar, which *workcal.Calendar is as it stands) and
// Absences (the approved absences of a unit's people).
//
//	maths     intervals to minutes, states                   clock.go
//	Service   start, pause, resume, end, today               worktime.go, day.go
//	sheet     the month's sheet, corrections, XLSX           sheet.go, export.go
//	store     SQL                                            store.go
//	handlers  the JSON API and the file                      routes.go
package worktime

import (
	"context"
	"log/slog"
	"time"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/storage/db"
)

// Calendar is the production calendar: a day's working hours at a 40-hour
// week (0 for weekends and holidays) and whether it is a public holiday.
type Calendar interface {
	WorkingHours(t time.Time) int
	IsHoliday(t time.Time) bool
}

// Absence is one approved absence of a person, days inclusive.
type Absence struct {
	UserID   string
	Kind     string // vacation | sick_leave | business_trip | day_off
	StartsOn string // YYYY-MM-DD
	EndsOn   string
}

// Absences lists the approved absences of the people of the subtree of
// unitPath sharing a day with from..to.
type Absences interface {
	Approved(ctx context.Context, unitPath, from, to string) ([]Absence, error)
}

// Codes are the time sheet's letters for absences (as on the unified form
// T-13 the staff know, shortened to the four kinds the federation uses).
var Codes = map[string]string{"vacation": "О", "sick_leave": "Б", "business_trip": "К", "day_off": "В"}

// Deps is what the service needs from the hub; Absences may be nil.
type Deps struct {
	DB       *db.DB
	Log      *slog.Logger
	Zone     *time.Location // a person's zone when they chose none; nil: Orenburg (UTC+5)
	Calendar Calendar
	Absences Absences
}

// Service is working time's one service.
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
	return &Service{db: d.DB, log: d.Log.With("pkg", "worktime"), zone: zone, deps: d, now: time.Now}
}

// SetClock replaces the service's clock (tests and the demo).
func (s *Service) SetClock(now func() time.Time) { s.now = now }
