package calendar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Occurrence is one showing of an event in a window.
type Occurrence struct {
	EventID    string    `json:"event_id"`
	CalendarID string    `json:"calendar_id"`
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	Place      string    `json:"place,omitempty"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	AllDay     bool      `json:"all_day"`
	Repeats    bool      `json:"repeats"`
	CanWrite   bool      `json:"can_write"`
	MyAnswer   string    `json:"my_answer,omitempty"`
}

// people resolves invitees: employees, and members the caller may see
// (only to a reception; other events are the staff's).
func (s *Service) people(ctx context.Context, c Caller, kind string, ids []PersonID) ([]Person, error) {
	var out []Person
	for _, id := range ids {
		var p Person
		var err error
		switch {
		case id.Kind == "user" && s.deps.Staff != nil:
			p, err = s.deps.Staff.Person(ctx, id.ID)
		case id.Kind == "member" && kind == "reception" && s.deps.Members != nil:
			p, err = s.deps.Members.Member(ctx, c.Scope, id.ID)
		case id.Kind == "member":
			return nil, valid.Errorf("invitees", "calendar_members_reception", "members are invited to receptions only")
		default:
			return nil, valid.Errorf("invitees", "calendar_invitee", "unknown invitee")
		}
		if err != nil {
			if errors.Is(err, db.ErrNotFound) || errors.Is(err, access.ErrForbidden) {
				return nil, valid.Errorf("invitees", "calendar_invitee", "unknown invitee")
			}
			return nil, err
		}
		p.Kind = id.Kind
		if !slices.ContainsFunc(out, func(o Person) bool { return o.Kind == p.Kind && o.ID == p.ID }) {
			out = append(out, p)
		}
	}
	return out, nil
}

// Create adds an event to a calendar the caller may write (their own
// when none is named) and invites its people.
func (s *Service) Create(ctx context.Context, c Caller, in Input) (Event, error) {
	e, err := in.toEvent(c.Zone)
	if err != nil {
		return e, err
	}
	if in.CalendarID == "" {
		if in.CalendarID, err = s.personalID(ctx, c); err != nil {
			return e, err
		}
	}
	if _, err := s.writableCalendar(ctx, c, in.CalendarID); err != nil {
		return e, err
	}
	people, err := s.people(ctx, c, e.Kind, in.Invitees)
	if err != nil {
		return e, err
	}
	e.CalendarID, e.CreatedBy = in.CalendarID, c.Scope.UserID
	newEventIDs(&e)
	var added []Invitee
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertEvent(ctx, tx, &e); err != nil {
			return err
		}
		if added, err = saveInvitees(ctx, tx, e.ID, nil, people); err != nil {
			return err
		}
		return s.alertInvited(ctx, tx, c, e, added)
	})
	if err != nil {
		return e, err
	}
	s.mailInvitations(ctx, c, e, added)
	return s.Event(ctx, c, e.ID)
}

// Update changes an event the caller may write; moving it to another
// calendar needs the right to write that one too.
func (s *Service) Update(ctx context.Context, c Caller, id string, in Input) (Event, error) {
	old, err := s.Event(ctx, c, id)
	if err != nil {
		return old, err
	}
	if !old.CanWrite {
		return old, valid.Refuse(access.ErrForbidden, "calendar.readonly", "you may not change this calendar")
	}
	e, err := in.toEvent(c.Zone)
	if err != nil {
		return e, err
	}
	e.ID, e.UID, e.Href, e.CreatedBy, e.CalendarID = old.ID, old.UID, old.Href, old.CreatedBy, old.CalendarID
	if in.CalendarID != "" && in.CalendarID != old.CalendarID {
		if _, err := s.writableCalendar(ctx, c, in.CalendarID); err != nil {
			return e, err
		}
		e.CalendarID = in.CalendarID
	}
	people, err := s.people(ctx, c, e.Kind, in.Invitees)
	if err != nil {
		return e, err
	}
	e.Sequence = old.Sequence
	if moved(old, e) {
		e.Sequence++
	}
	var added []Invitee
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := updateEvent(ctx, tx, &e); err != nil {
			return err
		}
		if added, err = saveInvitees(ctx, tx, e.ID, old.Invitees, people); err != nil {
			return err
		}
		if rescheduled(old, e) {
			if err := s.askAgain(ctx, tx, c, e, stillInvited(old.Invitees, people)); err != nil {
				return err
			}
		}
		return s.alertInvited(ctx, tx, c, e, added)
	})
	if err != nil {
		return e, err
	}
	s.mailInvitations(ctx, c, e, added)
	s.mailChanges(ctx, c, old, e.ID)
	return s.Event(ctx, c, e.ID)
}

// mailChanges tells by mail those still invited that the event moved,
// and those no longer invited that it is cancelled for them.
func (s *Service) mailChanges(ctx context.Context, c Caller, old Event, id string) {
	if s.deps.Mailer == nil {
		return
	}
	e, err := s.eventWhere(ctx, `id = $1`, id)
	if err != nil {
		s.log.Warn("calendar: update letters not sent", "event", id, "err", err)
		return
	}
	var kept, gone []Invitee
	for _, o := range old.Invitees {
		if slices.ContainsFunc(e.Invitees, func(v Invitee) bool { return v.Kind == o.Kind && v.ID == o.ID }) {
			kept = append(kept, o)
		} else {
			gone = append(gone, o)
		}
	}
	if e.Sequence > old.Sequence {
		s.mailEvent(ctx, c, e, "REQUEST", letterUpdate, kept)
	}
	if len(gone) > 0 {
		cancelled := e
		cancelled.Invitees, cancelled.Sequence = gone, e.Sequence+1
		s.mailEvent(ctx, c, cancelled, "CANCEL", letterCancel, gone)
	}
}

// Delete removes an event the caller may write.
func (s *Service) Delete(ctx context.Context, c Caller, id string) error {
	e, err := s.Event(ctx, c, id)
	if err != nil {
		return err
	}
	if !e.CanWrite {
		return valid.Refuse(access.ErrForbidden, "calendar.readonly", "you may not change this calendar")
	}
	if err := s.db.Tx(ctx, func(tx *sql.Tx) error { return deleteEvent(ctx, tx, id) }); err != nil {
		return err
	}
	// Those invited hear that it is cancelled: their mail programs take
	// it out of their calendars.
	e.Sequence++
	s.mailEvent(ctx, c, e, "CANCEL", letterCancel, e.Invitees)
	return nil
}

// Event returns an event of a calendar the caller may read, or one they
// are invited to.
func (s *Service) Event(ctx context.Context, c Caller, id string) (Event, error) {
	e, err := s.eventWhere(ctx, `id = $1`, id)
	if err != nil {
		return e, err
	}
	for _, v := range e.Invitees {
		if v.Kind == "user" && v.ID == c.Scope.UserID {
			e.MyAnswer = v.Status
		}
	}
	cal, err := s.Calendar(ctx, c, e.CalendarID)
	switch {
	case err == nil:
		e.CanWrite = cal.CanWrite
	case e.MyAnswer != "":
	default:
		return Event{}, err
	}
	e.Start, e.End = e.Start.In(showZone(e, c)), e.End.In(showZone(e, c))
	return e, nil
}

func showZone(e Event, c Caller) *time.Location {
	if e.AllDay {
		return time.UTC
	}
	return c.Zone
}

// Occurrences lists what the caller sees in [lo, hi): the events of every
// calendar they may read (or of the ones named) and those they are
// invited to, repeats expanded inside the window only.
func (s *Service) Occurrences(ctx context.Context, c Caller, lo, hi time.Time, only []string) ([]Occurrence, error) {
	if !hi.After(lo) || hi.Sub(lo) > MaxWindow {
		return nil, valid.Errorf("to", "calendar_window", "ask for at most 400 days at once")
	}
	cals, err := s.Calendars(ctx, c)
	if err != nil {
		return nil, err
	}
	write := map[string]bool{}
	var ids []string
	for _, cal := range cals {
		if len(only) == 0 || slices.Contains(only, cal.ID) {
			ids = append(ids, cal.ID)
			write[cal.ID] = cal.CanWrite
		}
	}
	events, err := s.eventsIn(ctx, ids, c.Scope.UserID, lo, hi)
	if err != nil {
		return nil, err
	}
	answers, err := s.myAnswers(ctx, c.Scope.UserID, events)
	if err != nil {
		return nil, err
	}
	out := []Occurrence{}
	for _, e := range events {
		dur := e.End.Sub(e.Start)
		for _, st := range e.starts(lo, hi) {
			z := showZone(e, c)
			out = append(out, Occurrence{EventID: e.ID, CalendarID: e.CalendarID, Kind: e.Kind, Title: e.Title, Place: e.Place,
				Start: st.In(z), End: st.Add(dur).In(z), AllDay: e.AllDay, Repeats: e.RRule != "", CanWrite: write[e.CalendarID],
				MyAnswer: answers[e.ID]})
		}
	}
	slices.SortStableFunc(out, func(a, b Occurrence) int { return a.Start.Compare(b.Start) })
	return out, nil
}

// myAnswers maps the events the user is invited to to their answers.
func (s *Service) myAnswers(ctx context.Context, userID string, events []Event) (map[string]string, error) {
	out := map[string]string{}
	if len(events) == 0 {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT event_id, status FROM calendar_invitees WHERE kind = 'user' AND ref_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("calendar: answers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, st string
		if err := rows.Scan(&id, &st); err != nil {
			return nil, err
		}
		out[id] = st
	}
	return out, rows.Err()
}
