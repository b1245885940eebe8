package calendar

import (
	"strings"
	"time"

	"github.com/teambition/rrule-go"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

// Limits of repeats. A rule may have no end (phones make weekly meetings
// "forever"), but it may not repeat more often than daily, and a query
// expands it only inside the asked window, at most MaxPerWindow times: a
// rule can never produce millions of dates.
const (
	MaxCount     = 5000                 // COUNT above this is refused
	MaxPerWindow = 500                  // occurrences of one event in one answer
	MaxWindow    = 400 * 24 * time.Hour // the widest window a query may ask
	maxWalk      = 100000               // steps spent finding a bounded rule's end
)

// parseRule checks an RRULE (with or without the "RRULE:" prefix) and
// binds it to the event's first start.
func parseRule(rule string, start time.Time) (*rrule.RRule, error) {
	rule = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rule), "RRULE:"))
	opt, err := rrule.StrToROptionInLocation(rule, start.Location())
	if err != nil || !strings.Contains(strings.ToUpper(rule), "FREQ=") {
		return nil, valid.Errorf("rrule", "rrule_invalid", "the repeat rule is not a valid RRULE")
	}
	if opt.Freq > rrule.DAILY {
		return nil, valid.Errorf("rrule", "rrule_too_often", "an event may repeat at most once a day")
	}
	if opt.Count > MaxCount {
		return nil, valid.Errorf("rrule", "rrule_too_many", "a repeat rule may give at most %d dates", MaxCount)
	}
	if !opt.Until.IsZero() && opt.Until.Before(start) {
		return nil, valid.Errorf("rrule", "rrule_until", "the repeats end before the event starts")
	}
	opt.Dtstart = start
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, valid.Errorf("rrule", "rrule_invalid", "the repeat rule is not a valid RRULE")
	}
	return r, nil
}

// normalRule is the rule as stored: without the prefix, with DTSTART left out.
func normalRule(r *rrule.RRule) string {
	o := r.OrigOptions
	o.Dtstart = time.Time{}
	return o.RRuleString()
}

// lastEnd is when a repeating event's last occurrence ends, or 0 when the
// rule has no end (or one so far away that it is treated as none).
func lastEnd(r *rrule.RRule, dur time.Duration) int64 {
	o := r.OrigOptions
	if o.Count == 0 && o.Until.IsZero() {
		return 0
	}
	next := r.Iterator()
	var last time.Time
	for range maxWalk {
		t, ok := next()
		if !ok {
			if last.IsZero() {
				return 1 // no occurrence at all: ends before everything
			}
			return last.Add(dur).UnixMilli()
		}
		last = t
	}
	return 0
}

// starts lists the starts of an event's occurrences that overlap [lo, hi),
// at most MaxPerWindow of them.
func (e Event) starts(lo, hi time.Time) []time.Time {
	dur := e.End.Sub(e.Start)
	if e.RRule == "" {
		if e.Start.Before(hi) && e.End.After(lo) {
			return []time.Time{e.Start}
		}
		return nil
	}
	r, err := parseRule(e.RRule, e.Start.In(e.zone()))
	if err != nil {
		return nil // stored rules were checked; one made unreadable is skipped
	}
	var out []time.Time
	next := r.Iterator()
	for len(out) < MaxPerWindow {
		t, ok := next()
		if !ok || !t.Before(hi) {
			break
		}
		if t.Add(dur).After(lo) {
			out = append(out, t)
		}
	}
	return out
}

// zone is where an event repeats: its own zone, UTC for all-day events.
func (e Event) zone() *time.Location {
	if e.AllDay || e.TZ == "" {
		return time.UTC
	}
	if l, err := time.LoadLocation(e.TZ); err == nil {
		return l
	}
	return time.UTC
}
