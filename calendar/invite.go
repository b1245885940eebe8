package calendar

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/emersion/go-ical"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/storage/db"
)

// EventLink is where an event opens in the UI.
func EventLink(id string) string { return "/calendar#event/" + id }

// alertInvited tells the invited employees (not the one who invites) in
// the bell, inside the transaction that invites them.
func (s *Service) alertInvited(ctx context.Context, tx db.Execer, c Caller, e Event, added []Invitee) error {
	if s.deps.Alerts == nil {
		return nil
	}
	for _, v := range added {
		if v.Kind != "user" || v.ID == c.Scope.UserID {
			continue
		}
		text := e.Title + " · " + e.Start.In(c.Zone).Format("02.01.2006 15:04")
		if e.AllDay {
			text = e.Title + " · " + e.Start.Format("02.01.2006")
		}
		err := s.deps.Alerts.Alert(ctx, tx, Alert{Key: fmt.Sprintf("calendar-invite:%s:%d", e.ID, e.Sequence), UserID: v.ID, Kind: NoticeInvitation,
			Text: text, Link: EventLink(e.ID)})
		if err != nil {
			return err
		}
	}
	return nil
}

// mailInvitations sends each new invitee with an address a letter with the
// event as iCalendar METHOD:REQUEST, which mail programs show with
// accept/decline buttons; their METHOD:REPLY comes back to TakeReply. A
// failed letter is logged: the invitation stands in the calendar.
func (s *Service) mailInvitations(ctx context.Context, c Caller, e Event, added []Invitee) {
	if s.deps.Mailer == nil || !anyEmail(added) {
		return
	}
	full, err := s.eventWhere(ctx, `id = $1`, e.ID)
	if err != nil {
		s.log.Warn("calendar: invitation letters not sent", "event", e.ID, "err", err)
		return
	}
	s.mailEvent(ctx, c, full, "REQUEST", letterInvite, added)
}

// Letters about an event: its invitation, its update (a new time, place
// or repeat, with a higher SEQUENCE, so the invitee's mail program
// replaces the event it holds) and its cancellation (METHOD:CANCEL, which
// removes it there). Each goes to the invitees given who have an address.
const (
	letterInvite = "calendar.mail."
	letterUpdate = "calendar.mail.update_"
	letterCancel = "calendar.mail.cancel_"
)

// mailEvent sends e as iCalendar method to the invitees to, worded by
// the catalogue's keys under prefix (subject, text). The organiser is the
// event's author, as in the invitation, whoever changes it.
func (s *Service) mailEvent(ctx context.Context, c Caller, e Event, method, prefix string, to []Invitee) {
	if s.deps.Mailer == nil || !anyEmail(to) {
		return
	}
	org := Person{Name: c.Name}
	if s.deps.Staff != nil {
		author := cmp.Or(e.CreatedBy, c.Scope.UserID)
		if p, err := s.deps.Staff.Person(ctx, author); err == nil {
			org = p
		}
	}
	cal := newCalendar(method)
	ev := vevent(e, org)
	if method == "CANCEL" {
		ev.Props.SetText(ical.PropStatus, "CANCELLED")
	}
	cal.Children = append(cal.Children, ev)
	ics, err := encode(cal)
	if err != nil {
		s.log.Warn("calendar: letter not encoded", "event", e.ID, "method", method, "err", err)
		return
	}
	when := e.Start.In(c.Zone).Format("02.01.2006 15:04")
	if e.AllDay {
		when = e.Start.Format("02.01.2006")
	}
	author := c.Name
	if method == "REQUEST" && prefix == letterInvite {
		author = org.Name
	}
	for _, v := range to {
		if v.Email == "" {
			continue
		}
		subject := s.deps.Translate(c.Lang, prefix+"subject", e.Title, when)
		text := s.deps.Translate(c.Lang, prefix+"text", author, e.Title, when, e.Place)
		if err := s.deps.Mailer.SendInvitation(ctx, method, v.Email, subject, text, ics); err != nil {
			s.log.Warn("calendar: letter failed", "event", e.ID, "method", method, "to", v.Email, "err", err)
		}
	}
}

func anyEmail(vs []Invitee) bool {
	for _, v := range vs {
		if v.Email != "" {
			return true
		}
	}
	return false
}

// moved reports whether a change matters to those invited: the time,
// the place or the repeat. It raises the SEQUENCE and sends them the update.
func moved(old, e Event) bool {
	return rescheduled(old, e) || old.Place != e.Place
}

// rescheduled reports a new time or repeat: a yes to Tuesday at ten is
// not a yes to Thursday, so the answers are asked again (RFC 5546 resets
// PARTSTAT on such a change). A new room keeps them.
func rescheduled(old, e Event) bool {
	return !old.Start.Equal(e.Start) || !old.End.Equal(e.End) || old.AllDay != e.AllDay || old.RRule != e.RRule
}

// askAgain puts the answers of those still invited back to needs-action
// and tells the employees among them in the bell, as a new invitation.
func (s *Service) askAgain(ctx context.Context, tx db.Execer, c Caller, e Event, kept []Invitee) error {
	if _, err := tx.ExecContext(ctx, `UPDATE calendar_invitees SET status = 'needs-action'
		WHERE event_id = $1 AND status <> 'needs-action'`, e.ID); err != nil {
		return fmt.Errorf("calendar: ask again: %w", err)
	}
	return s.alertInvited(ctx, tx, c, e, kept)
}

// Answer records the caller's answer to an invitation from the UI.
func (s *Service) Answer(ctx context.Context, c Caller, eventID, status string) (Event, error) {
	if !slices.Contains(Answers, status) {
		return Event{}, valid.Errorf("status", "calendar_answer", "answer accepted, declined or tentative")
	}
	res, err := s.db.ExecContext(ctx, `UPDATE calendar_invitees SET status = $1 WHERE event_id = $2 AND kind = 'user' AND ref_id = $3`,
		status, eventID, c.Scope.UserID)
	if err != nil {
		return Event{}, fmt.Errorf("calendar: answer: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Event{}, valid.Errorf("status", "calendar_not_invited", "you are not invited to this event")
	}
	return s.Event(ctx, c, eventID)
}

// TakeReply reads a mailed iCalendar METHOD:REPLY and records each
// attendee's answer on the invitation with that UID and address. It
// reports whether the letter was a reply it matched; anything else (a
// request, a forged or unknown UID, an address not invited) changes
// nothing.
func (s *Service) TakeReply(ctx context.Context, from string, data []byte) (bool, error) {
	if len(data) > 256<<10 {
		return false, nil
	}
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		return false, nil
	}
	if m, _ := cal.Props.Text(ical.PropMethod); !strings.EqualFold(m, "REPLY") {
		return false, nil
	}
	from = strings.ToLower(strings.TrimSpace(from))
	matched := false
	for _, ev := range cal.Events() {
		uid, _ := ev.Props.Text(ical.PropUID)
		for _, a := range ev.Props.Values(ical.PropAttendee) {
			addr := mailto(a.Value)
			status := strings.ToLower(a.Params.Get(ical.ParamParticipationStatus))
			// The answer must come from the attendee's own address.
			if addr == "" || (from != "" && addr != from) || !slices.Contains(Answers, status) {
				continue
			}
			res, err := s.db.ExecContext(ctx, `UPDATE calendar_invitees SET status = $1
				WHERE lower(email) = $2 AND event_id IN (SELECT id FROM calendar_events WHERE uid = $3)`, status, addr, uid)
			if err != nil {
				return matched, fmt.Errorf("calendar: reply: %w", err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				matched = true
			}
		}
	}
	return matched, nil
}
