package workcal

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

// Year is one year's file, the format the administrator uploads and the
// binary ships (data/2026.json is an example):
//
//	{
//	  "year": 2026,
//	  "source": "постановление Правительства РФ …",   // where the dates come from
//	  "provisional": false,                             // true: no decree yet, rules only
//	  "holidays":  [{"date": "2026-01-01", "name": "Новогодние каникулы"}, …],
//	  "days_off":  [{"date": "2026-01-09", "name": "Перенос с 3 января"}, …],
//	  "working_weekends": ["…"],                        // Saturdays or Sundays made working
//	  "short_days": ["2026-04-30", …]                   // pre-holiday days, one hour shorter
//	}
//
// Holidays are the public holidays of art. 112 of the Labour Code, on
// whatever day they fall; days_off are the weekdays a transfer (the
// decree, or the code's own rule for a holiday on a weekend) makes free.
// Any other Saturday and Sunday is a day off, any other day a working day.
type Year struct {
	Year            int      `json:"year"`
	Source          string   `json:"source"`
	Provisional     bool     `json:"provisional"`
	Holidays        []Named  `json:"holidays"`
	DaysOff         []Named  `json:"days_off"`
	WorkingWeekends []string `json:"working_weekends"`
	ShortDays       []string `json:"short_days"`
}

// Named is a date with its name.
type Named struct {
	Date string `json:"date"`
	Name string `json:"name"`
}

// MaxFileBytes bounds an uploaded file; a real year is about 3 KB.
const MaxFileBytes = 64 << 10

// The bounds of a believable year: a 5-day week gives 247–251 working days
// with holidays, never fewer than 230 or more than 260.
const (
	minWorkingDays = 230
	maxWorkingDays = 260
)

//go:embed data/*.json
var shipped embed.FS

// Shipped are the years built into the binary.
func Shipped() ([]Year, error) {
	names, err := fs.Glob(shipped, "data/*.json")
	if err != nil {
		return nil, err
	}
	var out []Year
	for _, n := range names {
		b, err := shipped.ReadFile(n)
		if err != nil {
			return nil, err
		}
		y, err := Parse(b, 0)
		if err != nil {
			return nil, fmt.Errorf("workcal: shipped %s: %w", n, err)
		}
		out = append(out, y)
	}
	return out, nil
}

// Parse reads and checks a year's file. want, when not 0, is the year the
// file must describe. Every refusal says, in the user's language, what is
// wrong with the file.
func Parse(raw []byte, want int) (Year, error) {
	if len(raw) > MaxFileBytes {
		return Year{}, valid.Keyed("file", "calendar", "workcal_size", "the file is larger than %d KB", MaxFileBytes>>10)
	}
	var y Year
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&y); err != nil {
		return Year{}, jsonProblem(err)
	}
	if y.Year < 2000 || y.Year > 2100 {
		return Year{}, valid.Keyed("year", "calendar", "workcal_year_range", "the file's year %d is not between 2000 and 2100", y.Year)
	}
	if want != 0 && y.Year != want {
		return Year{}, valid.Keyed("year", "calendar", "workcal_year_other", "the file describes %d, not %d", y.Year, want)
	}
	if len([]rune(y.Source)) > 1000 {
		return Year{}, valid.Keyed("source", "calendar", "workcal_source", "the source must be at most 1000 characters")
	}
	seen := map[string]string{}
	check := func(list, date string) (time.Time, error) {
		t, err := time.Parse(time.DateOnly, date)
		if err != nil || t.Year() != y.Year {
			return t, valid.Keyed(list, "calendar", "workcal_date", "%q in %s is not a date of %d (YYYY-MM-DD)", date, list, y.Year)
		}
		if prev, dup := seen[date]; dup {
			return t, valid.Keyed(list, "calendar", "workcal_twice", "%s is listed twice (%s and %s)", date, prev, list)
		}
		seen[date] = list
		return t, nil
	}
	for _, h := range append(append([]Named{}, y.Holidays...), y.DaysOff...) {
		if len([]rune(h.Name)) > 200 {
			return Year{}, valid.Keyed("holidays", "calendar", "workcal_name", "the name of %s is longer than 200 characters", h.Date)
		}
	}
	for _, h := range y.Holidays {
		if _, err := check("holidays", h.Date); err != nil {
			return Year{}, err
		}
	}
	for _, h := range y.DaysOff {
		if _, err := check("days_off", h.Date); err != nil {
			return Year{}, err
		}
	}
	for _, d := range y.WorkingWeekends {
		t, err := check("working_weekends", d)
		if err != nil {
			return Year{}, err
		}
		if t.Weekday() != time.Saturday && t.Weekday() != time.Sunday {
			return Year{}, valid.Keyed("working_weekends", "calendar", "workcal_not_weekend", "%s in working_weekends is not a Saturday or Sunday", d)
		}
	}
	c := New(y)
	for _, d := range y.ShortDays {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil || t.Year() != y.Year {
			return Year{}, valid.Keyed("short_days", "calendar", "workcal_date", "%q in %s is not a date of %d (YYYY-MM-DD)", d, "short_days", y.Year)
		}
		if !c.IsWorkingDay(t) {
			return Year{}, valid.Keyed("short_days", "calendar", "workcal_short_off", "%s in short_days is not a working day", d)
		}
	}
	if days, _ := c.Totals(y.Year); days < minWorkingDays || days > maxWorkingDays {
		return Year{}, valid.Keyed("file", "calendar", "workcal_total", "the file gives %d working days in %d; a real year has %d to %d",
			days, y.Year, minWorkingDays, maxWorkingDays)
	}
	return y, nil
}

// jsonProblem says in the user's words what is wrong with a file that does
// not decode: a field the format does not have, a value of the wrong
// type, or not JSON at all.
func jsonProblem(err error) error {
	var typeErr *json.UnmarshalTypeError
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return valid.Keyed("file", "calendar", "workcal_field", "the file has a field %s the format does not know", field)
	}
	if errors.As(err, &typeErr) {
		return valid.Keyed("file", "calendar", "workcal_type", "the field %q has a value of the wrong type", typeErr.Field)
	}
	return valid.Keyed("file", "calendar", "workcal_json", "the file is not a production calendar in JSON: %s", err.Error())
}
