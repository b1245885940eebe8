package calendar

import (
	"context"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

// Birthday is an employee's or, asked for, a union member's birthday in
// a window, for congratulations.
type Birthday struct {
	UserID   string `json:"user_id,omitempty"`
	MemberID string `json:"member_id,omitempty"`
	Name     string `json:"name"`
	Date     string `json:"date"` // YYYY-MM-DD in the window
	Age      int    `json:"age,omitempty"`
}

// SetBirthday keeps the caller's own birthday ("" removes it). Users have
// no birth date in the staff directory, so each person gives theirs here.
func (s *Service) SetBirthday(ctx context.Context, c Caller, date string) error {
	if date == "" {
		_, err := s.db.ExecContext(ctx, `DELETE FROM calendar_birthdays WHERE user_id = $1`, c.Scope.UserID)
		return err
	}
	d, err := time.Parse("2006-01-02", date)
	if err != nil || d.After(s.now()) || d.Year() < 1900 {
		return valid.Errorf("date", "calendar_birthday", "give the birth date as YYYY-MM-DD")
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO calendar_birthdays (user_id, month, day, year) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id) DO UPDATE SET month = $2, day = $3, year = $4`, c.Scope.UserID, int(d.Month()), d.Day(), d.Year())
	return err
}

// Birthdays lists the staff's birthdays falling in [lo, hi) (a window of
// at most MaxWindow); disabled employees are left out.
func (s *Service) Birthdays(ctx context.Context, lo, hi time.Time) ([]Birthday, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT user_id, month, day, year FROM calendar_birthdays`)
	if err != nil {
		return nil, fmt.Errorf("calendar: birthdays: %w", err)
	}
	type row struct {
		id      string
		m, d, y int
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.m, &r.d, &r.y); err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, r)
	}
	rows.Close()
	out := []Birthday{}
	for _, r := range all {
		p, err := s.deps.Staff.Person(ctx, r.id)
		if err != nil {
			continue // disabled or gone
		}
		for y := lo.Year(); y <= hi.Year(); y++ {
			day := time.Date(y, time.Month(r.m), r.d, 0, 0, 0, 0, lo.Location())
			if day.Month() != time.Month(r.m) || day.Before(lo.Truncate(24*time.Hour)) || !day.Before(hi) {
				continue // 29 February in a common year, or outside
			}
			b := Birthday{UserID: r.id, Name: p.Name, Date: day.Format("2006-01-02")}
			if r.y > 0 {
				b.Age = y - r.y
			}
			out = append(out, b)
		}
	}
	return out, nil
}

// MemberBirth is a union member's birth date as the CRM gives it.
type MemberBirth struct {
	ID, Name  string
	BirthDate string // YYYY-MM-DD
}

// MaxMemberBirthdays bounds the members' birthdays of one month that a
// calendar shows: a federation's whole scope has thousands a month, a
// primary organisation's chairman a few dozen.
const MaxMemberBirthdays = 300

// MemberBirthdays lists the birthdays of the union members in the
// caller's scope (current members, cards in use) falling in [lo, hi), for
// congratulations; more is true when some month had more than
// MaxMemberBirthdays and the list is cut. Without the CRM port, none.
func (s *Service) MemberBirthdays(ctx context.Context, c Caller, lo, hi time.Time) (out []Birthday, more bool, err error) {
	out = []Birthday{}
	if s.deps.Members == nil || !hi.After(lo) {
		return out, false, nil
	}
	if hi.Sub(lo) > MaxWindow {
		return nil, false, valid.Errorf("from", "calendar_window", "ask for at most 400 days at once")
	}
	seen := map[int]bool{}
	for d := lo; d.Before(hi); d = d.AddDate(0, 0, 1) {
		if seen[int(d.Month())] {
			continue
		}
		seen[int(d.Month())] = true
		born, err := s.deps.Members.BornIn(ctx, c.Scope, int(d.Month()), MaxMemberBirthdays+1)
		if err != nil {
			return nil, false, fmt.Errorf("calendar: members' birthdays: %w", err)
		}
		if len(born) > MaxMemberBirthdays {
			born, more = born[:MaxMemberBirthdays], true
		}
		for _, m := range born {
			b, err := time.Parse("2006-01-02", m.BirthDate)
			if err != nil {
				continue
			}
			for y := lo.Year(); y <= hi.Year(); y++ {
				day := time.Date(y, b.Month(), b.Day(), 0, 0, 0, 0, lo.Location())
				if day.Month() != b.Month() || day.Before(lo) || !day.Before(hi) {
					continue
				}
				out = append(out, Birthday{MemberID: m.ID, Name: m.Name, Date: day.Format("2006-01-02"), Age: y - b.Year()})
			}
		}
	}
	return out, more, nil
}
