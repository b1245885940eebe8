package inbox

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// Line is an open line: channels attached to it feed its queue, and its
// operators answer.
type Line struct {
	ID             string       `json:"id"`
	UnitID         string       `json:"unit_id"`
	Name           string       `json:"name"`
	Mode           RoutingMode  `json:"routing_mode"`
	MaxActive      int          `json:"max_active"`       // per operator, unless the operator has their own capacity
	OfferTimeoutS  int          `json:"offer_timeout_s"`  // time to accept an offer before it moves on
	QueueAlertS    int          `json:"queue_alert_s"`    // waiting longer alerts the supervisors
	Sticky         bool         `json:"sticky"`           // a returning contact goes to their last operator when free
	ReopenWindowH  int          `json:"reopen_window_h"`  // a closed conversation reopens if the contact writes within this
	AutoCloseH     int          `json:"auto_close_h"`     // close after this much silence; 0 never
	ReturnAfterMin int          `json:"return_after_min"` // an absent operator's conversations return to the queue; 0 never
	AskRating      bool         `json:"ask_rating"`
	WelcomeReply   string       `json:"welcome_reply"`
	OffHoursReply  string       `json:"off_hours_reply"`
	Hours          WorkingHours `json:"hours"`
	// The service levels (sla.go): minutes of working time to the first
	// operator's reply and to the close; 0 sets no target.
	FirstResponseTargetMin int            `json:"first_response_target_min"`
	ResolutionTargetMin    int            `json:"resolution_target_min"`
	Operators              []LineOperator `json:"operators"`
	CreatedAt              time.Time      `json:"created_at"`
	UpdatedAt              time.Time      `json:"updated_at"`
}

// LineOperator is an operator in a line's queue order.
type LineOperator struct {
	UserID     string `json:"user_id"`
	Name       string `json:"name,omitempty"`
	Position   int    `json:"position"`
	Capacity   int    `json:"capacity,omitempty"` // 0: the line's max_active
	Supervisor bool   `json:"supervisor,omitempty"`
}

// CapacityIn is the operator's limit of active conversations in line l.
func (o LineOperator) CapacityIn(l Line) int {
	if o.Capacity > 0 {
		return o.Capacity
	}
	return l.MaxActive
}

// DefaultLine is a new line's settings.
func DefaultLine() Line {
	return Line{Mode: Evenly, MaxActive: 5, OfferTimeoutS: 60, QueueAlertS: 600, Sticky: true,
		ReopenWindowH: 24, AutoCloseH: 72, ReturnAfterMin: 0}
}

func (l *Line) validate() error {
	l.Name = strings.TrimSpace(l.Name)
	switch {
	case l.Name == "" || len([]rune(l.Name)) > 200:
		return valid.Errorf("name", "name_length", "name must have 1 to 200 characters")
	case !ValidMode(l.Mode):
		return valid.Errorf("routing_mode", "routing_mode", "routing mode must be one of evenly, least_busy, strict, offer_all, manual")
	case l.MaxActive < 1 || l.MaxActive > 1000:
		return valid.Errorf("max_active", "range", "max_active must be 1 to 1000")
	case l.OfferTimeoutS < 5 || l.OfferTimeoutS > 3600:
		return valid.Errorf("offer_timeout_s", "range", "offer_timeout_s must be 5 to 3600")
	case l.QueueAlertS < 0 || l.ReopenWindowH < 0 || l.AutoCloseH < 0 || l.ReturnAfterMin < 0:
		return valid.Errorf("", "range", "time limits cannot be negative")
	case l.FirstResponseTargetMin < 0 || l.FirstResponseTargetMin > MaxTargetMin || l.ResolutionTargetMin < 0 || l.ResolutionTargetMin > MaxTargetMin:
		return valid.Errorf("first_response_target_min", "sla_range", "service level targets must be 0 to %d minutes", MaxTargetMin)
	case len(l.WelcomeReply) > MaxTextBytes || len(l.OffHoursReply) > MaxTextBytes:
		return valid.Errorf("welcome_reply", "too_long", "auto-replies are limited to 64 KiB")
	}
	if err := l.Hours.validate(); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, o := range l.Operators {
		if seen[o.UserID] || o.UserID == "" {
			return valid.Errorf("operators", "operators", "operator %q listed twice or empty", o.UserID)
		}
		seen[o.UserID] = true
		if o.Capacity < 0 || o.Capacity > 1000 {
			return valid.Errorf("operators", "range", "capacity must be 0 to 1000")
		}
		l.Operators[i].Position = i
	}
	return nil
}

// WorkingHours say when operators answer. Empty Week means always. With
// a Week, the production calendar (Deps.Calendar) applies too: a public
// holiday or a transferred day off is closed all day, and a Saturday or
// Sunday made working has the hours of the first weekday that has some,
// unless OpenOnHolidays keeps the plain week (a line that never closes for
// holidays).
type WorkingHours struct {
	TZ             string              `json:"tz,omitempty"`       // IANA zone; "" is the installation's (Zone)
	Week           map[string][]Period `json:"week,omitempty"`     // "mon" … "sun"
	Holidays       []string            `json:"holidays,omitempty"` // "2026-01-01", closed all day
	OpenOnHolidays bool                `json:"open_on_holidays,omitempty"`
}

// Period is a span of one day, "09:00"–"18:00".
type Period struct {
	From string `json:"from"`
	To   string `json:"to"`
}

var weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

func (h WorkingHours) location() *time.Location {
	if h.TZ == "" {
		return Zone()
	}
	loc, err := time.LoadLocation(h.TZ)
	if err != nil {
		return Zone() // validate refused it; a zone database that lost it falls back
	}
	return loc
}

// zone is the installation's time zone, Deps.Zone; New sets it,
// atomically for the tests' many hubs (one process has one installation).
var zone atomic.Pointer[time.Location]

// Zone is the installation's time zone: Deps.Zone, or Orenburg's (UTC+5)
// before New has run. The IANA database has no Orenburg of its own;
// Yekaterinburg's zone has the same offset and history since 2014.
func Zone() *time.Location {
	if l := zone.Load(); l != nil {
		return l
	}
	return defaultZone
}

var defaultZone = config.DefaultZone()

func (h WorkingHours) validate() error {
	if h.TZ != "" {
		if _, err := time.LoadLocation(h.TZ); err != nil {
			return valid.Errorf("hours.tz", "tz", "unknown time zone %q", h.TZ)
		}
	}
	for day, periods := range h.Week {
		if !slices.Contains(weekdays, day) {
			return valid.Errorf("hours.week", "weekday", "unknown weekday %q (mon … sun)", day)
		}
		for _, p := range periods {
			f, err1 := time.Parse("15:04", p.From)
			t, err2 := time.Parse("15:04", p.To)
			if err1 != nil || err2 != nil || !f.Before(t) {
				return valid.Errorf("hours.week", "period", "bad period %s–%s on %s", p.From, p.To, day)
			}
		}
	}
	for _, d := range h.Holidays {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return valid.Errorf("hours.holidays", "date", "bad holiday date %q (YYYY-MM-DD)", d)
		}
	}
	return nil
}

// periods are the spans of local's day: the week's, corrected by the
// production calendar.
func (h WorkingHours) periods(local time.Time) []Period {
	day := h.Week[weekdays[local.Weekday()]]
	cal := productionCalendar()
	if cal == nil || h.OpenOnHolidays {
		return day
	}
	if cal.IsHoliday(local) {
		return nil
	}
	if wd := local.Weekday(); (wd == time.Saturday || wd == time.Sunday) && cal.IsWorkingDay(local) {
		for _, name := range []string{"mon", "tue", "wed", "thu", "fri"} {
			if ps := h.Week[name]; len(ps) > 0 {
				return ps
			}
		}
	}
	return day
}

// Open reports whether t falls in working hours.
func (h WorkingHours) Open(t time.Time) bool {
	if len(h.Week) == 0 && len(h.Holidays) == 0 {
		return true
	}
	local := t.In(h.location())
	if slices.Contains(h.Holidays, local.Format(time.DateOnly)) {
		return false
	}
	if len(h.Week) == 0 {
		return true
	}
	now := fmt.Sprintf("%02d:%02d", local.Hour(), local.Minute())
	for _, p := range h.periods(local) {
		if now >= p.From && now < p.To {
			return true
		}
	}
	return false
}
