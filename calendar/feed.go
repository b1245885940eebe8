package calendar

import "context"

// Feed renders the caller's calendars as one iCalendar file.
func (s *Service) Feed(ctx context.Context, c Caller) ([]byte, error) {
	cals, err := s.Calendars(ctx, c)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(cals))
	for _, cal := range cals {
		ids = append(ids, cal.ID)
	}
	now := s.now()
	events, err := s.eventsIn(ctx, ids, c.Scope.UserID, now.AddDate(0, -3, 0), now.AddDate(2, 0, 0))
	if err != nil {
		return nil, err
	}
	out := newCalendar("")
	out.Props.SetText("X-WR-CALNAME", s.deps.Translate(c.Lang, "calendar.feed.name"))
	for _, e := range events {
		if e.Invitees, err = loadInvitees(ctx, s.db, e.ID); err != nil {
			return nil, err
		}
		out.Children = append(out.Children, vevent(e, Person{}))
	}
	return encode(out)
}
