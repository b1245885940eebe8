package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/worktime"
)

// fillWorktime gives the regional committee's staff the working days of
// the last three weeks (with a lunch pause, and the odd late evening), so
// the time sheet at /worktime has hours next to the absences' letters, and
// one day the chairman corrected with a reason. Weekends stay empty; the
// production calendar's holidays are skipped by the same rule (no
// intervals on Saturday or Sunday is enough for a demo).
func fillWorktime(ctx context.Context, e Env) error {
	if e.Worktime == nil {
		return nil
	}
	zone := e.Zone
	if zone == nil {
		zone = config.DefaultZone()
	}
	now := time.Now().In(zone)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, zone)
	staff := []struct {
		login        string
		start, end   int // minutes from midnight
		lateEveryDay int // every n-th day ends an hour later; 0 never
	}{
		{"chairman", 8*60 + 45, 18*60 + 10, 3},
		{"deputy", 9 * 60, 18 * 60, 0},
		{"secretary", 8*60 + 30, 17*60 + 30, 0},
		{"operator1", 9 * 60, 18*60 + 5, 4},
		{"operator2", 9*60 + 10, 18 * 60, 0},
		{"executor", 9 * 60, 17*60 + 45, 0},
	}
	var op1 string
	for i, s := range staff {
		u, err := e.Org.AuthByLogin(ctx, s.login)
		if err != nil {
			return err
		}
		if s.login == "operator1" {
			op1 = u.ID
		}
		for back := 21; back >= 1; back-- {
			d := today.AddDate(0, 0, -back)
			if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday || (back+i)%11 == 0 {
				continue // a weekend, or a day this person was away
			}
			end := s.end
			if s.lateEveryDay > 0 && back%s.lateEveryDay == 0 {
				end += 60
			}
			at := func(min int) time.Time { return d.Add(time.Duration(min) * time.Minute) }
			if err := e.Worktime.AddInterval(ctx, u.ID, at(s.start), at(13*60)); err != nil {
				return err
			}
			if err := e.Worktime.AddInterval(ctx, u.ID, at(13*60+45), at(end)); err != nil {
				return err
			}
		}
	}
	chair, err := e.Org.AuthByLogin(ctx, "chairman")
	if err != nil {
		return err
	}
	day := today.AddDate(0, 0, -1)
	for wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday; wd = day.Weekday() {
		day = day.AddDate(0, 0, -1)
	}
	if _, err := e.Worktime.Correct(ctx, chair.Scope("demo"), worktime.CorrectInput{UserID: op1, Day: day.Format(time.DateOnly),
		Hours: 10, Reason: "Выездной приём граждан на заводе до 20:00, отметку не поставила"}); err != nil {
		return fmt.Errorf("correction: %w", err)
	}
	return nil
}
