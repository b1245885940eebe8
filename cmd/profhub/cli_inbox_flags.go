package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/profhub/profhub/inbox"
)

// lineFlags are the settings of a line, as flags named after `line show`'s
// keys. Only the flags given change a line.
type lineFlags struct {
	name, unit, mode, welcome, offHours, hours, tz, holidays, operators *string
	maxActive                                                           *int
	offerTimeout, queueAlert, reopenWindow, autoClose, returnAfter      *time.Duration
	sticky, askRating                                                   *bool
}

func (f *lineFlags) define(fs *flag.FlagSet) {
	d := inbox.DefaultLine()
	f.name = fs.String("name", "", "line name (required for add)")
	f.unit = fs.String("unit", "", "unit the line belongs to: id or exact name (default: the root)")
	f.mode = fs.String("mode", string(d.Mode), "routing: evenly | least_busy | strict | offer_all | manual")
	f.maxActive = fs.Int("max-active", d.MaxActive, "active conversations per operator, unless the operator has their own capacity")
	f.offerTimeout = fs.Duration("offer-timeout", time.Duration(d.OfferTimeoutS)*time.Second, "time to accept an offer before it moves on (5s to 1h)")
	f.queueAlert = fs.Duration("queue-alert", time.Duration(d.QueueAlertS)*time.Second, "waiting longer alerts the supervisors; 0 never")
	f.sticky = fs.Bool("sticky", d.Sticky, "a returning contact goes to their last operator when free")
	f.reopenWindow = fs.Duration("reopen-window", time.Duration(d.ReopenWindowH)*time.Hour, "a closed conversation reopens if the contact writes within this (whole hours)")
	f.autoClose = fs.Duration("auto-close", time.Duration(d.AutoCloseH)*time.Hour, "close an active conversation after this much silence (whole hours); 0 never")
	f.returnAfter = fs.Duration("return-after", 0, "an absent operator's conversations return to the queue after this (whole minutes); 0 never")
	f.askRating = fs.Bool("ask-rating", d.AskRating, "ask the contact to rate the conversation when it closes")
	f.welcome = fs.String("welcome", "", "auto-reply to a new conversation; empty: none")
	f.offHours = fs.String("off-hours", "", "auto-reply outside working hours; empty: the welcome reply")
	f.hours = fs.String("hours", "", `working hours, e.g. "mon-fri 09:00-18:00; sat 10:00-14:00"; "always" or empty: always open`)
	f.tz = fs.String("tz", "", "time zone of the working hours (default: the installation's, PROFHUB_TIME_ZONE)")
	f.holidays = fs.String("holidays", "", "days closed all day, comma-separated: 2026-01-01,2026-01-02; empty: none")
	f.operators = fs.String("operators", "", "operators in queue order, comma-separated; each LOGIN[:CAPACITY][:supervisor] (replaces the list)")
}

// apply copies the given flags into l.
func (f *lineFlags) apply(ctx context.Context, x *inboxAdmin, l *inbox.Line, given map[string]bool) error {
	var err error
	if given["name"] {
		l.Name = *f.name
	}
	if given["unit"] {
		u, err := x.resolveUnit(ctx, *f.unit)
		if err != nil {
			return err
		}
		l.UnitID = u.ID
	}
	if given["mode"] {
		l.Mode = inbox.RoutingMode(*f.mode)
	}
	if given["max-active"] {
		l.MaxActive = *f.maxActive
	}
	durations := []struct {
		flag string
		d    time.Duration
		unit time.Duration
		dst  *int
	}{
		{"offer-timeout", *f.offerTimeout, time.Second, &l.OfferTimeoutS},
		{"queue-alert", *f.queueAlert, time.Second, &l.QueueAlertS},
		{"reopen-window", *f.reopenWindow, time.Hour, &l.ReopenWindowH},
		{"auto-close", *f.autoClose, time.Hour, &l.AutoCloseH},
		{"return-after", *f.returnAfter, time.Minute, &l.ReturnAfterMin},
	}
	for _, d := range durations {
		if !given[d.flag] {
			continue
		}
		if d.d < 0 || d.d%d.unit != 0 {
			return fmt.Errorf("--%s must be a whole number of %s, e.g. %s", d.flag, unitWord(d.unit), fmtDuration(3*d.unit))
		}
		*d.dst = int(d.d / d.unit)
	}
	if given["sticky"] {
		l.Sticky = *f.sticky
	}
	if given["ask-rating"] {
		l.AskRating = *f.askRating
	}
	if given["welcome"] {
		l.WelcomeReply = *f.welcome
	}
	if given["off-hours"] {
		l.OffHoursReply = *f.offHours
	}
	if given["hours"] {
		if l.Hours.Week, err = parseWeek(*f.hours); err != nil {
			return err
		}
	}
	if given["tz"] {
		l.Hours.TZ = strings.TrimSpace(*f.tz)
	}
	if given["holidays"] {
		l.Hours.Holidays = splitList(*f.holidays)
	}
	if given["operators"] {
		if l.Operators, err = x.parseOperators(ctx, *f.operators); err != nil {
			return err
		}
	}
	return nil
}

// parseOperators reads "ivanova,petrov:3,sidorova:2:supervisor".
func (x *inboxAdmin) parseOperators(ctx context.Context, s string) ([]inbox.LineOperator, error) {
	ops := []inbox.LineOperator{}
	for _, item := range splitList(s) {
		parts := strings.Split(item, ":")
		u, err := x.userByLogin(ctx, parts[0])
		if err != nil {
			return nil, err
		}
		o := inbox.LineOperator{UserID: u.ID}
		for _, p := range parts[1:] {
			n, err := strconv.Atoi(p)
			switch {
			case p == "supervisor":
				o.Supervisor = true
			case err == nil && n >= 0:
				o.Capacity = n
			default:
				return nil, fmt.Errorf("--operators: in %q, after the login give a capacity (a number) and/or \"supervisor\"", item)
			}
		}
		ops = append(ops, o)
	}
	return ops, nil
}

// operatorList writes operators the way --operators takes them.
func (x *inboxAdmin) operatorList(ctx context.Context, ops []inbox.LineOperator) string {
	var out []string
	for _, o := range ops {
		s := o.UserID
		if rec, err := x.org.AuthByID(ctx, o.UserID); err == nil {
			s = rec.Login
		}
		if o.Capacity > 0 {
			s += ":" + strconv.Itoa(o.Capacity)
		}
		if o.Supervisor {
			s += ":supervisor"
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ",")
}

// weekOrder is the order days are written in --hours.
var weekOrder = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// parseWeek reads working hours: groups separated by ";", each a list of
// days (mon-fri,sat) and one or more periods (09:00-13:00 14:00-18:00).
func parseWeek(s string) (map[string][]inbox.Period, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "always" {
		return nil, nil
	}
	week := map[string][]inbox.Period{}
	for _, group := range strings.Split(s, ";") {
		fields := strings.Fields(group)
		if len(fields) == 0 {
			continue
		}
		if len(fields) < 2 {
			return nil, fmt.Errorf(`--hours: %q needs days and at least one period, e.g. "mon-fri 09:00-18:00"`, strings.TrimSpace(group))
		}
		days, err := parseDays(fields[0])
		if err != nil {
			return nil, err
		}
		for _, p := range fields[1:] {
			from, to, ok := strings.Cut(strings.ReplaceAll(p, "–", "-"), "-")
			if !ok {
				return nil, fmt.Errorf("--hours: %q is not a period like 09:00-18:00", p)
			}
			for _, d := range days {
				week[d] = append(week[d], inbox.Period{From: from, To: to})
			}
		}
	}
	return week, nil
}

// parseDays reads "mon-fri,sat".
func parseDays(s string) ([]string, error) {
	index := func(d string) int {
		for i, w := range weekOrder {
			if w == strings.ToLower(d) {
				return i
			}
		}
		return -1
	}
	var days []string
	for _, part := range strings.Split(s, ",") {
		from, to, isRange := strings.Cut(strings.ReplaceAll(part, "–", "-"), "-")
		if !isRange {
			to = from
		}
		i, j := index(from), index(to)
		if i < 0 || j < 0 || i > j {
			return nil, fmt.Errorf("--hours: %q is not a day or range of days (mon … sun, e.g. mon-fri)", part)
		}
		days = append(days, weekOrder[i:j+1]...)
	}
	return days, nil
}

// formatWeek writes working hours the way --hours takes them, joining
// neighbouring days with the same periods.
func formatWeek(week map[string][]inbox.Period) string {
	if len(week) == 0 {
		return "always"
	}
	spans := func(d string) string {
		var ps []string
		for _, p := range week[d] {
			ps = append(ps, p.From+"-"+p.To)
		}
		return strings.Join(ps, " ")
	}
	var groups []string
	for i := 0; i < len(weekOrder); {
		j := i
		for j+1 < len(weekOrder) && spans(weekOrder[j+1]) == spans(weekOrder[i]) {
			j++
		}
		if s := spans(weekOrder[i]); s != "" {
			days := weekOrder[i]
			if j > i {
				days += "-" + weekOrder[j]
			}
			groups = append(groups, days+" "+s)
		}
		i = j + 1
	}
	return strings.Join(groups, "; ")
}

func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// fmtDuration writes a duration the way the flags take it: 1h, 10m, 90s.
func fmtDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + "s"
}

func unitWord(u time.Duration) string {
	switch u {
	case time.Hour:
		return "hours"
	case time.Minute:
		return "minutes"
	}
	return "seconds"
}
