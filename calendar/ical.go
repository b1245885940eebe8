package calendar

import (
	"bytes"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

const prodID = "-//profhub//calendar//RU"

// kindProp carries the event's kind through CalDAV clients that keep
// unknown properties (most do); CATEGORIES is shown by the others.
const kindProp = "X-PROFHUB-KIND"

// newCalendar is an empty VCALENDAR with our product id.
func newCalendar(method string) *ical.Calendar {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, prodID)
	if method != "" {
		cal.Props.SetText(ical.PropMethod, method)
	}
	return cal
}

// vevent renders an event. Text values are escaped by the encoder (commas,
// semicolons, backslashes, newlines); control characters never got in.
func vevent(e Event, organizer Person) *ical.Component {
	ev := ical.NewEvent()
	ev.Props.SetText(ical.PropUID, e.UID)
	ev.Props.SetDateTime(ical.PropDateTimeStamp, e.Updated.UTC())
	ev.Props.SetDateTime(ical.PropLastModified, e.Updated.UTC())
	if e.AllDay {
		ev.Props.SetDate(ical.PropDateTimeStart, e.Start.UTC())
		ev.Props.SetDate(ical.PropDateTimeEnd, e.End.UTC())
	} else {
		ev.Props.SetDateTime(ical.PropDateTimeStart, e.Start.UTC())
		ev.Props.SetDateTime(ical.PropDateTimeEnd, e.End.UTC())
	}
	seq := ical.NewProp(ical.PropSequence)
	seq.Value = strconv.Itoa(e.Sequence)
	ev.Props.Set(seq)
	ev.Props.SetText(ical.PropSummary, e.Title)
	if e.Place != "" {
		ev.Props.SetText(ical.PropLocation, e.Place)
	}
	if e.Description != "" {
		ev.Props.SetText(ical.PropDescription, e.Description)
	}
	ev.Props.SetText(kindProp, e.Kind)
	if e.RRule != "" {
		p := ical.NewProp(ical.PropRecurrenceRule)
		p.Value = e.RRule
		ev.Props.Set(p)
	}
	if organizer.Email != "" {
		p := ical.NewProp(ical.PropOrganizer)
		p.Value = "mailto:" + organizer.Email
		p.Params.Set(ical.ParamCommonName, organizer.Name)
		ev.Props.Set(p)
	}
	for _, v := range e.Invitees {
		if v.Email == "" {
			continue
		}
		p := ical.NewProp(ical.PropAttendee)
		p.Value = "mailto:" + v.Email
		p.Params.Set(ical.ParamCommonName, v.Name)
		p.Params.Set(ical.ParamParticipationStatus, strings.ToUpper(v.Status))
		p.Params.Set("RSVP", "TRUE")
		ev.Props.Add(p)
	}
	if e.RemindMin >= 0 {
		a := ical.NewComponent(ical.CompAlarm)
		a.Props.SetText(ical.PropAction, "DISPLAY")
		a.Props.SetText(ical.PropDescription, e.Title)
		tr := ical.NewProp(ical.PropTrigger)
		tr.Value = fmt.Sprintf("-PT%dM", e.RemindMin)
		a.Props.Set(tr)
		ev.Children = append(ev.Children, a)
	}
	return ev.Component
}

// encode writes a calendar; an empty one is written by hand, since the
// encoder refuses a VCALENDAR without components.
func encode(cal *ical.Calendar) ([]byte, error) {
	if len(cal.Children) == 0 {
		return []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:" + prodID + "\r\nEND:VCALENDAR\r\n"), nil
	}
	var b bytes.Buffer
	err := ical.NewEncoder(&b).Encode(cal)
	return b.Bytes(), err
}

// fromICal reads the one event of a CalDAV object into an Input (in UTC
// times) and its UID. Only VEVENT is kept; a VTODO or a calendar of
// several different events is refused. Text is cleaned by toEvent.
func fromICal(cal *ical.Calendar) (Input, string, error) {
	var in Input
	var master *ical.Component
	for _, c := range cal.Children {
		switch c.Name {
		case ical.CompEvent:
			if c.Props.Get(ical.PropRecurrenceID) != nil {
				continue // a changed single occurrence is not kept: the series is
			}
			if master != nil {
				return in, "", valid.Errorf("", "calendar_ical", "one event per calendar object")
			}
			master = c
		case ical.CompTimezone:
		default:
			return in, "", valid.Errorf("", "calendar_ical", "only events are kept in this calendar")
		}
	}
	if master == nil {
		return in, "", valid.Errorf("", "calendar_ical", "the calendar object holds no event")
	}
	props := master.Props
	uid, _ := props.Text(ical.PropUID)
	uid = clean(uid, 255, false)
	if uid == "" {
		return in, "", valid.Errorf("", "calendar_ical", "the event has no UID")
	}
	in.Title, _ = props.Text(ical.PropSummary)
	in.Place, _ = props.Text(ical.PropLocation)
	in.Description, _ = props.Text(ical.PropDescription)
	in.Kind, _ = props.Text(kindProp)
	ev := ical.Event{Component: master}
	start, err := ev.DateTimeStart(time.UTC)
	if err != nil {
		return in, "", valid.Errorf("start", "calendar_time", "give the time as YYYY-MM-DDTHH:MM")
	}
	end, err := ev.DateTimeEnd(time.UTC)
	if err != nil || end.IsZero() {
		end = start.Add(time.Hour)
	}
	if p := props.Get(ical.PropDateTimeStart); p != nil && (p.ValueType() == ical.ValueDate || len(p.Value) == 8) {
		in.AllDay = true
		in.Start, in.End = start.Format("2006-01-02"), end.AddDate(0, 0, -1).Format("2006-01-02")
		if !end.After(start) {
			in.End = in.Start
		}
	} else {
		in.Start, in.End = start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339)
	}
	if p := props.Get(ical.PropRecurrenceRule); p != nil {
		in.RRule = p.Value
	}
	in.RemindMin = alarmMinutes(master)
	return in, uid, nil
}

// alarmMinutes is the first VALARM's lead time, if it is a simple one.
func alarmMinutes(ev *ical.Component) *int {
	for _, a := range ev.Children {
		if a.Name != ical.CompAlarm {
			continue
		}
		if tr := a.Props.Get(ical.PropTrigger); tr != nil {
			if d, err := tr.Duration(); err == nil && d <= 0 && -d <= maxRemind*time.Minute {
				m := int(-d / time.Minute)
				return &m
			}
		}
	}
	return nil
}

// mailto strips "mailto:" from an attendee's address.
func mailto(v string) string {
	if u, err := url.Parse(v); err == nil && strings.EqualFold(u.Scheme, "mailto") {
		return strings.ToLower(u.Opaque)
	}
	return strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(v, "mailto:"), "MAILTO:"))
}
