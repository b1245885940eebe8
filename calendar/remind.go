package calendar

import (
	"context"
	"fmt"
	"time"
)

// maxLead is the longest reminder lead a sweep looks ahead for.
const maxLead = maxRemind * time.Minute

// Remind records a reminder for every occurrence whose reminder time has
// come and which has not started yet: to the calendar's owner (personal
// calendars) or the event's author, and to the invited employees who have
// not declined. The notice's key names the occurrence, so a second sweep
// or node records nothing twice.
func (s *Service) Remind(ctx context.Context) (int, error) {
	if s.deps.Alerts == nil {
		return 0, nil
	}
	now := s.now()
	rows, err := s.db.QueryContext(ctx, `SELECT `+eventColumns+` FROM calendar_events
		WHERE remind_min >= 0 AND starts_at < $1 AND (last_end = 0 OR last_end > $2) LIMIT 2000`,
		now.Add(maxLead).UnixMilli(), now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("calendar: reminders: %w", err)
	}
	var due []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		due = append(due, e)
	}
	rows.Close()
	n := 0
	for _, e := range due {
		lead := time.Duration(e.RemindMin) * time.Minute
		for _, st := range e.starts(now, now.Add(lead+time.Second)) {
			if st.Before(now) || st.Add(-lead).After(now) {
				continue
			}
			k, err := s.remindOne(ctx, e, st)
			if err != nil {
				return n, err
			}
			n += k
		}
	}
	return n, nil
}

// remindOne tells the people of one occurrence.
func (s *Service) remindOne(ctx context.Context, e Event, start time.Time) (int, error) {
	var owner string
	_ = s.db.QueryRowContext(ctx, `SELECT owner_id FROM calendars WHERE id = $1`, e.CalendarID).Scan(&owner)
	if owner == "" {
		owner = e.CreatedBy
	}
	people := []string{owner}
	invitees, err := loadInvitees(ctx, s.db, e.ID)
	if err != nil {
		return 0, err
	}
	for _, v := range invitees {
		if v.Kind == "user" && v.Status != "declined" && v.ID != owner {
			people = append(people, v.ID)
		}
	}
	text := e.Title + " · " + start.In(s.deps.Zone).Format("02.01.2006 15:04")
	if e.AllDay {
		text = e.Title + " · " + start.Format("02.01.2006")
	}
	for _, u := range people {
		if u == "" {
			continue
		}
		err := s.deps.Alerts.Alert(ctx, nil, Alert{Key: fmt.Sprintf("calendar-remind:%s:%d", e.ID, start.Unix()), UserID: u,
			Kind: NoticeReminder, Text: text, Link: EventLink(e.ID)})
		if err != nil {
			return 0, err
		}
	}
	return len(people), nil
}
