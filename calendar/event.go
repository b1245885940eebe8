package calendar

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

// Event is one stored event (a repeating one once, with its rule).
type Event struct {
	ID          string    `json:"id"`
	CalendarID  string    `json:"calendar_id"`
	UID         string    `json:"uid"`
	Href        string    `json:"-"`
	Kind        string    `json:"kind"`
	Title       string    `json:"title"`
	Place       string    `json:"place"`
	Description string    `json:"description"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	AllDay      bool      `json:"all_day"`
	TZ          string    `json:"tz,omitempty"`
	RRule       string    `json:"rrule,omitempty"`
	RemindMin   int       `json:"remind_minutes"` // -1: no reminder
	CreatedBy   string    `json:"created_by,omitempty"`
	ETag        string    `json:"-"`
	Updated     time.Time `json:"updated_at"`
	Invitees    []Invitee `json:"invitees"`
	CanWrite    bool      `json:"can_write"`
	MyAnswer    string    `json:"my_answer,omitempty"` // the caller's answer when invited
	// Sequence is the iCalendar SEQUENCE, raised by a change of time,
	// place or repeat (moved).
	Sequence int `json:"-"`
	lastEnd  int64
}

// Invitee is one person invited to an event and their answer.
type Invitee struct {
	Kind   string `json:"kind"` // "user" or "member"
	ID     string `json:"id"`
	Name   string `json:"name"`
	Email  string `json:"email,omitempty"`
	Status string `json:"status"` // needs-action, accepted, declined, tentative
	token  string
}

// Input is an event as a form, the API or a CalDAV client gives it.
type Input struct {
	CalendarID  string     `json:"calendar_id"`
	Kind        string     `json:"kind"`
	Title       string     `json:"title"`
	Place       string     `json:"place"`
	Description string     `json:"description"`
	Start       string     `json:"start"` // RFC 3339, or local "2026-12-10T10:00" / "2026-12-10" in the caller's zone
	End         string     `json:"end"`
	AllDay      bool       `json:"all_day"`
	RRule       string     `json:"rrule"`
	RemindMin   *int       `json:"remind_minutes"`
	Invitees    []PersonID `json:"invitees"`
	uid, href   string     // a CalDAV client's names for a new event
}

// PersonID names an invitee: kind "user" or "member", and the id.
type PersonID struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// Lengths of text fields, in characters.
const (
	maxTitle       = 200
	maxPlace       = 200
	maxDescription = 5000
	maxInvitees    = 200
	maxRemind      = 7 * 24 * 60
)

// clean strips what must never reach a calendar: control characters (a
// CR/LF pair could forge iCalendar lines in a careless reader), bidi
// overrides that disguise text, and extra length. Newlines stay in
// descriptions.
func clean(s string, max int, multiline bool) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' && multiline:
			return r
		case r == '\r':
			return -1
		case r == '\t' || r == '\n':
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r), r == '\uFEFF':
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > max {
		s = string(r[:max])
	}
	return s
}

// parseWhen reads a time: RFC 3339, or a local date-time or date in zone.
func parseWhen(field, s string, zone *time.Location, allDay bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if allDay {
		if len(s) >= 10 {
			if d, err := time.Parse("2006-01-02", s[:10]); err == nil {
				return d, nil // all-day dates are kept at midnight UTC
			}
		}
		return time.Time{}, valid.Errorf(field, "calendar_time", "give the date as YYYY-MM-DD")
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, zone); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, valid.Errorf(field, "calendar_time", "give the time as YYYY-MM-DDTHH:MM")
}

// toEvent checks an input and makes the event's fields (not its ids).
func (in Input) toEvent(zone *time.Location) (Event, error) {
	e := Event{UID: in.uid, Href: in.href, Kind: in.Kind, Title: clean(in.Title, maxTitle, false), Place: clean(in.Place, maxPlace, false),
		Description: clean(in.Description, maxDescription, true), AllDay: in.AllDay, RemindMin: -1}
	if e.Kind == "" {
		e.Kind = "meeting"
	}
	if !slices.Contains(EventKinds, e.Kind) {
		return e, valid.Errorf("kind", "calendar_kind", "unknown kind of event")
	}
	if e.Title == "" {
		return e, valid.Errorf("title", "required", "title is required")
	}
	var err error
	if e.Start, err = parseWhen("start", in.Start, zone, in.AllDay); err != nil {
		return e, err
	}
	if e.End, err = parseWhen("end", in.End, zone, in.AllDay); err != nil {
		return e, err
	}
	if in.AllDay {
		e.End = e.End.AddDate(0, 0, 1) // the form names the last day; iCalendar ends the day after
	} else {
		e.TZ = zone.String()
	}
	if !e.End.After(e.Start) {
		return e, valid.Errorf("end", "calendar_end_before_start", "the event ends before it starts")
	}
	if e.End.Sub(e.Start) > 366*24*time.Hour {
		return e, valid.Errorf("end", "calendar_too_long", "an event may last at most a year")
	}
	if in.RemindMin != nil {
		if *in.RemindMin < -1 || *in.RemindMin > maxRemind {
			return e, valid.Errorf("remind_minutes", "calendar_remind", "a reminder may come at most a week before")
		}
		e.RemindMin = *in.RemindMin
	}
	if len(in.Invitees) > maxInvitees {
		return e, valid.Errorf("invitees", "calendar_invitees", "at most %d invitees", maxInvitees)
	}
	return e, e.setRule(in.RRule)
}

// setRule checks and stores the rule, and the bound of the last occurrence.
func (e *Event) setRule(rule string) error {
	e.RRule, e.lastEnd = "", e.End.UnixMilli()
	if strings.TrimSpace(rule) == "" {
		return nil
	}
	r, err := parseRule(rule, e.Start.In(e.zone()))
	if err != nil {
		return err
	}
	e.RRule, e.lastEnd = normalRule(r), lastEnd(r, e.End.Sub(e.Start))
	return nil
}
