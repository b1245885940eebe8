package inbox

import (
	"slices"
	"time"
)

// The one count of a line's working time: the service levels (sla.go) and
// the automation's no-answer rule both measure minutes with it, so that a
// line's hours, its own holidays and the production calendar mean the same
// to both.

// maxWorkingSearchDays bounds the search for working time: hours that open
// less than once in this many days count as never open.
const maxWorkingSearchDays = 400

// span is one open stretch of a day, [from, to).
type span struct{ from, to time.Time }

// alwaysOpen: no week and no holidays, the line never closes.
func (h WorkingHours) alwaysOpen() bool { return len(h.Week) == 0 && len(h.Holidays) == 0 }

// openSpans are the open stretches of the local date of midnight (a
// midnight in h's zone), in order, as Open sees them minute by minute.
func (h WorkingHours) openSpans(midnight time.Time) []span {
	if slices.Contains(h.Holidays, midnight.Format(time.DateOnly)) {
		return nil
	}
	next := time.Date(midnight.Year(), midnight.Month(), midnight.Day()+1, 0, 0, 0, 0, midnight.Location())
	if len(h.Week) == 0 {
		return []span{{midnight, next}}
	}
	var out []span
	for _, p := range h.periods(midnight) {
		f, err1 := time.Parse("15:04", p.From)
		t, err2 := time.Parse("15:04", p.To)
		if err1 != nil || err2 != nil {
			continue
		}
		at := func(c time.Time) time.Time {
			return time.Date(midnight.Year(), midnight.Month(), midnight.Day(), c.Hour(), c.Minute(), 0, 0, midnight.Location())
		}
		out = append(out, span{at(f), at(t)})
	}
	slices.SortFunc(out, func(a, b span) int { return a.from.Compare(b.from) })
	return out
}

// eachSpan calls fn with the open stretches from the day of from onwards,
// cut to begin no earlier than from, until fn returns false or the search
// runs past maxWorkingSearchDays.
func (h WorkingHours) eachSpan(from time.Time, fn func(s span) bool) {
	local := from.In(h.location())
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, local.Location())
	for i := 0; i < maxWorkingSearchDays; i++ {
		for _, s := range h.openSpans(day) {
			if !s.to.After(from) {
				continue
			}
			if s.from.Before(from) {
				s.from = from
			}
			if !fn(s) {
				return
			}
		}
		day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, day.Location())
	}
}

// AddWorkingMinutes is the moment when n minutes of working time have
// passed since from: a target of n minutes set at from falls due then.
// Time outside the hours does not count, so a conversation that arrives
// at night is due n minutes after the morning opens. The zero time means
// never: hours that do not open within maxWorkingSearchDays. n <= 0 gives
// from.
func (h WorkingHours) AddWorkingMinutes(from time.Time, n int) time.Time {
	if n <= 0 {
		return from
	}
	if h.alwaysOpen() {
		return from.Add(time.Duration(n) * time.Minute)
	}
	left := time.Duration(n) * time.Minute
	var due time.Time
	h.eachSpan(from, func(s span) bool {
		if d := s.to.Sub(s.from); d < left {
			left -= d
			return true
		}
		due = s.from.Add(left)
		return false
	})
	return due
}

// WorkingMinutes counts the whole minutes of working time between from
// and to (0 when to is not after from).
func (h WorkingHours) WorkingMinutes(from, to time.Time) int {
	return int(h.WorkingDuration(from, to) / time.Minute)
}

// WorkingDuration is the working time between from and to (0 when to is
// not after from): what the reports count a first response and a
// resolution in, as the service levels do.
func (h WorkingHours) WorkingDuration(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if h.alwaysOpen() {
		return to.Sub(from)
	}
	var sum time.Duration
	h.eachSpan(from, func(s span) bool {
		if !s.from.Before(to) {
			return false
		}
		sum += minTime(s.to, to).Sub(s.from)
		return true
	})
	return sum
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
