package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/profhub/profhub/calendar"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
)

// fillCalendar schedules what a federation's calendar holds in a usual
// month: a plenum with the committees' chairmen invited, a weekly training
// of activists, the chairman's monthly reception of members, a meeting,
// and the leaders' birthdays. Dates follow the day the demo is made.
func fillCalendar(ctx context.Context, e Env, sc access.Scope) error {
	s := e.Calendar
	who := func(login string) (calendar.Caller, error) {
		r, err := e.Org.AuthByLogin(ctx, login)
		if err != nil {
			return calendar.Caller{}, err
		}
		return s.CallerOf(r.User, "demo"), nil
	}
	sec, err := who("secretary")
	if err != nil {
		return err
	}
	chair, err := who("chairman")
	if err != nil {
		return err
	}
	cals, err := s.Calendars(ctx, sec)
	if err != nil {
		return err
	}
	var federation string
	for _, c := range cals {
		if c.Kind == calendar.Federation {
			federation = c.ID
		}
	}
	id := func(login string) calendar.PersonID {
		r, _ := e.Org.AuthByLogin(ctx, login)
		return calendar.PersonID{Kind: "user", ID: r.User.ID}
	}
	day := time.Now().In(sec.Zone)
	at := func(days, hour, min int) string {
		return day.AddDate(0, 0, days).Format("2006-01-02") + fmt.Sprintf("T%02d:%02d", hour, min)
	}
	remind := func(n int) *int { return &n }
	events := []struct {
		by calendar.Caller
		in calendar.Input
	}{
		{sec, calendar.Input{CalendarID: federation, Kind: "plenum", Title: "Пленум Федерации профсоюзов: итоги года и колдоговорная кампания",
			Place: "Дом профсоюзов, большой зал (ул. Советская, 32)", Start: at(7, 10, 0), End: at(7, 13, 0), RemindMin: remind(1440),
			Description: "Повестка: 1. Итоги работы за год. 2. Ход колдоговорной кампании. 3. План на первое полугодие.",
			Invitees:    []calendar.PersonID{id("chairman"), id("deputy"), id("steel.chair"), id("executor")}}},
		{sec, calendar.Input{CalendarID: federation, Kind: "training", Title: "Школа профактива: охрана труда",
			Place: "Учебный центр, ауд. 214", Start: at(2, 15, 0), End: at(2, 17, 0), RRule: "FREQ=WEEKLY;COUNT=6", RemindMin: remind(60),
			Invitees: []calendar.PersonID{id("operator1"), id("operator2")}}},
		{sec, calendar.Input{Kind: "meeting", Title: "Совещание с председателями обкомов", Place: "Кабинет председателя",
			Start: at(1, 11, 0), End: at(1, 12, 0), RemindMin: remind(15), Invitees: []calendar.PersonID{id("deputy")}}},
	}
	reception := calendar.Input{CalendarID: federation, Kind: "reception", Title: "Приём членов профсоюза по личным вопросам",
		Place: "Приёмная, каб. 105", Start: at(3, 14, 0), End: at(3, 17, 0), RRule: "FREQ=MONTHLY;COUNT=12", RemindMin: remind(60)}
	if e.CRM != nil {
		page, err := e.CRM.Members.ListMembers(ctx, chair.Scope, crm.MemberFilter{Limit: 2})
		if err != nil {
			return err
		}
		for _, m := range page.Members {
			reception.Invitees = append(reception.Invitees, calendar.PersonID{Kind: "member", ID: m.ID})
		}
	}
	events = append(events, struct {
		by calendar.Caller
		in calendar.Input
	}{chair, reception})
	for _, ev := range events {
		if _, err := s.Create(ctx, ev.by, ev.in); err != nil {
			return fmt.Errorf("%s: %w", ev.in.Title, err)
		}
	}
	// Birthdays: one of them this month, so the month view shows it.
	for login, date := range map[string]string{"chairman": day.AddDate(-54, 0, 5).Format("2006-01-02"),
		"deputy": "1971-03-08", "steel.chair": day.AddDate(-61, 0, 12).Format("2006-01-02")} {
		c, err := who(login)
		if err != nil {
			return err
		}
		if err := s.SetBirthday(ctx, c, date); err != nil {
			return err
		}
	}
	return nil
}
