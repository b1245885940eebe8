// Package workcal is the Russian production calendar: which days are
// working days, which are public holidays or transferred days off, and
// which are shortened pre-holiday days. The years the federation needs
// ship in the binary (data/YYYY.json, format in format.go); the
// administrator uploads a newer file for a year when the government's
// decree on transfers comes out, and the upload wins over the shipped file.
//
// The domains count deadlines through their own small ports (crm, workflow,
// inbox declare WorkingDays); the hub passes them the one *Calendar.
//
//	Calendar  the maths: IsWorkingDay, AddWorkingDays, WorkingHours   calendar.go
//	Year      the file format and its checks                          format.go
//	Service   shipped + uploaded years, upload, audit                 service.go, store.go
//	handlers  the JSON API                                            routes.go
package workcal

import (
	"sync/atomic"
	"time"
)

// Kinds of day, as DayInfo names them.
const (
	Working = "working" // an ordinary working day (8 hours at a 40-hour week)
	Short   = "short"   // a pre-holiday working day, one hour shorter
	Holiday = "holiday" // a public holiday (Labour Code, art. 112)
	DayOff  = "day_off" // a weekday made a day off by a transfer
	Weekend = "weekend" // Saturday or Sunday
)

// Day is one date as the calendar sees it.
type Day struct {
	Date  string `json:"date"` // YYYY-MM-DD
	Kind  string `json:"kind"`
	Name  string `json:"name,omitempty"` // the holiday's or the transfer's name
	Hours int    `json:"hours"`          // at a 40-hour week
}

// Calendar answers questions about days. It is safe for concurrent use;
// Set swaps a year in whole, so a reader never sees half a file.
type Calendar struct {
	years atomic.Pointer[map[int]*index]
}

// index is one year's file made quick to ask.
type index struct {
	year    Year
	off     map[string]Day // holidays and days off, by date
	working map[string]bool
	short   map[string]bool
}

// New is a calendar knowing the given years; others fall back to the
// Labour Code's fixed holidays without transfers (see fallback).
func New(years ...Year) *Calendar {
	c := &Calendar{}
	m := map[int]*index{}
	for _, y := range years {
		m[y.Year] = indexYear(y)
	}
	c.years.Store(&m)
	return c
}

// Set replaces the whole set of known years (the service after loading).
func (c *Calendar) Set(years []Year) {
	m := map[int]*index{}
	for _, y := range years {
		m[y.Year] = indexYear(y)
	}
	c.years.Store(&m)
}

// Known reports the year's file, if the calendar has one.
func (c *Calendar) Known(year int) (Year, bool) {
	ix := (*c.years.Load())[year]
	if ix == nil {
		return Year{}, false
	}
	return ix.year, true
}

func indexYear(y Year) *index {
	ix := &index{year: y, off: map[string]Day{}, working: map[string]bool{}, short: map[string]bool{}}
	for _, h := range y.Holidays {
		ix.off[h.Date] = Day{Date: h.Date, Kind: Holiday, Name: h.Name}
	}
	for _, h := range y.DaysOff {
		if _, ok := ix.off[h.Date]; !ok {
			ix.off[h.Date] = Day{Date: h.Date, Kind: DayOff, Name: h.Name}
		}
	}
	for _, d := range y.WorkingWeekends {
		ix.working[d] = true
	}
	for _, d := range y.ShortDays {
		ix.short[d] = true
	}
	return ix
}

// fixedHolidays are the Labour Code's public holidays (art. 112), for a
// year with no file: month*100+day.
var fixedHolidays = map[int]string{
	101: "Новогодние каникулы", 102: "Новогодние каникулы", 103: "Новогодние каникулы", 104: "Новогодние каникулы",
	105: "Новогодние каникулы", 106: "Новогодние каникулы", 107: "Рождество Христово", 108: "Новогодние каникулы",
	223: "День защитника Отечества", 308: "Международный женский день", 501: "Праздник Весны и Труда",
	509: "День Победы", 612: "День России", 1104: "День народного единства",
}

// DayInfo says what the date of t (its own year, month and day, in
// whatever zone t carries) is.
func (c *Calendar) DayInfo(t time.Time) Day {
	date := t.Format(time.DateOnly)
	weekend := t.Weekday() == time.Saturday || t.Weekday() == time.Sunday
	if ix := (*c.years.Load())[t.Year()]; ix != nil {
		switch {
		case ix.off[date].Kind != "":
			return ix.off[date]
		case ix.working[date] && ix.short[date], !weekend && ix.short[date]:
			return Day{Date: date, Kind: Short, Hours: 7}
		case ix.working[date]:
			return Day{Date: date, Kind: Working, Hours: 8}
		}
	} else if name, ok := fixedHolidays[int(t.Month())*100+t.Day()]; ok {
		return Day{Date: date, Kind: Holiday, Name: name}
	}
	if weekend {
		return Day{Date: date, Kind: Weekend}
	}
	return Day{Date: date, Kind: Working, Hours: 8}
}

// IsWorkingDay reports whether t's date is a working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool { return c.DayInfo(t).Hours > 0 }

// WorkingHours is the length of t's date at a 40-hour week: 8, 7 on a
// pre-holiday day, 0 on a day off.
func (c *Calendar) WorkingHours(t time.Time) int { return c.DayInfo(t).Hours }

// MaxAddDays bounds AddWorkingDays: no deadline is longer than ten years.
const MaxAddDays = 2600

// AddWorkingDays is the date n working days after from, keeping from's
// clock: the n-th working day that follows from's date (from itself does
// not count, as a deadline set on a day starts the next morning). n <= 0
// gives from; n is cut at MaxAddDays.
func (c *Calendar) AddWorkingDays(from time.Time, n int) time.Time {
	n = min(n, MaxAddDays)
	d := from
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// Days lists the dates from..to (inclusive, at most 400 days).
func (c *Calendar) Days(from, to time.Time) []Day {
	var out []Day
	for d := from; !d.After(to) && len(out) < 400; d = d.AddDate(0, 0, 1) {
		out = append(out, c.DayInfo(d))
	}
	return out
}

// Totals counts a year's working days and hours.
func (c *Calendar) Totals(year int) (days, hours int) {
	for d := time.Date(year, 1, 1, 12, 0, 0, 0, time.UTC); d.Year() == year; d = d.AddDate(0, 0, 1) {
		if h := c.WorkingHours(d); h > 0 {
			days++
			hours += h
		}
	}
	return days, hours
}

// IsHoliday reports whether t's date is a public holiday or a weekday
// made a day off (not an ordinary weekend).
func (c *Calendar) IsHoliday(t time.Time) bool {
	k := c.DayInfo(t).Kind
	return k == Holiday || k == DayOff
}
