// Package home is each person's first page: their work, gathered from the
// other domains by role. An operator sees their open conversations, the
// queue of their lines and their tasks due; a secretary the documents
// waiting for her, today's and overdue deadlines, imports and mailings in
// progress; a chairman what waits for his resolution or approval, overdue
// appeals of his subtree and this week's figures per committee; an
// administrator channel health, queues and the last errors.
//
// It owns no table: it reads through the small ports of ports.go, which
// the domains' services satisfy (the hub passes them), always in the
// caller's scope, so the page shows nothing the person could not open.
// Every item links where it is acted on.
package home

import (
	"context"
	"time"

	"github.com/profhub/profhub/internal/security/access"
)

// Page is a person's home page: its sections in order.
type Page struct {
	Role     string    `json:"role"` // operator, executor, secretary, chairman, administrator
	Sections []Section `json:"sections"`
	At       time.Time `json:"at"`
}

// Section is one block of the page; its heading is translated by ID
// ("home.section.<id>").
type Section struct {
	ID    string `json:"id"`
	Link  string `json:"link,omitempty"` // the page of everything in it
	Total int    `json:"total"`          // items in all, where more than shown
	Items []Item `json:"items"`
	// Columns names the figures of each item, for a table (the weekly
	// counts): "home.figure.<name>".
	Columns []string `json:"columns,omitempty"`
}

// Item is one thing to act on, or one row of figures.
type Item struct {
	Title  string    `json:"title"`
	Detail string    `json:"detail,omitempty"` // data (a name, a step), not UI words
	Link   string    `json:"link,omitempty"`
	At     time.Time `json:"at,omitzero"`   // when it arrived or is due
	Due    string    `json:"due,omitempty"` // a due day, YYYY-MM-DD
	// State marks it: "overdue", "today", "failing", "ok", "waiting",
	// "running", "paused" (translated "home.state.<state>").
	State   string         `json:"state,omitempty"`
	Figures map[string]int `json:"figures,omitempty"`
	// Note is a reason in the source's words (a provider's error).
	Note string `json:"note,omitempty"`
}

// Service builds home pages.
type Service struct {
	src Sources
	loc *time.Location
	now func() time.Time
}

// New builds the service over the hub's sources; loc is the installation's
// time zone (what "today" and "this week" mean).
func New(src Sources, loc *time.Location) *Service {
	if loc == nil {
		loc = time.UTC
	}
	return &Service{src: src, loc: loc, now: time.Now}
}

// Page builds sc's home page for their role.
func (s *Service) Page(ctx context.Context, sc access.Scope) (Page, error) {
	p := Page{At: s.now()}
	var build []func(context.Context, access.Scope) (Section, error)
	switch sc.Role {
	case access.Administrator:
		p.Role = "administrator"
		build = []func(context.Context, access.Scope) (Section, error){s.channels, s.queues, s.lastErrors}
	case access.Chairman, access.Deputy:
		p.Role = "chairman"
		build = []func(context.Context, access.Scope) (Section, error){s.toDecide, s.appealsOverdue, s.week}
	case access.Secretary:
		p.Role = "secretary"
		build = []func(context.Context, access.Scope) (Section, error){s.toRegister, s.deadlines, s.inProgress}
	case access.Operator:
		p.Role = "operator"
		build = []func(context.Context, access.Scope) (Section, error){s.myConversations, s.queue, s.tasksDue}
	default:
		p.Role = "executor"
		build = []func(context.Context, access.Scope) (Section, error){s.tasksDue}
	}
	for _, b := range build {
		sec, err := b(ctx, sc)
		if err != nil {
			return Page{}, err
		}
		if sec.Items == nil {
			sec.Items = []Item{}
		}
		if sec.Total < len(sec.Items) {
			sec.Total = len(sec.Items)
		}
		p.Sections = append(p.Sections, sec)
	}
	return p, nil
}

// today is the installation's calendar day, YYYY-MM-DD.
func (s *Service) today() string { return s.now().In(s.loc).Format(time.DateOnly) }

// endOfToday is the first instant of tomorrow.
func (s *Service) endOfToday() time.Time {
	y, m, d := s.now().In(s.loc).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, s.loc)
}

// weekStart is this Monday, 00:00.
func (s *Service) weekStart() time.Time {
	t := s.now().In(s.loc)
	back := (int(t.Weekday()) + 6) % 7
	y, m, d := t.Date()
	return time.Date(y, m, d-back, 0, 0, 0, 0, s.loc)
}

// dueState marks a deadline: overdue, today, or nothing.
func (s *Service) dueState(deadline time.Time) string {
	switch {
	case deadline.IsZero():
		return ""
	case deadline.Before(s.now()):
		return "overdue"
	case deadline.Before(s.endOfToday()):
		return "today"
	}
	return ""
}

// dayState marks a due day (YYYY-MM-DD) the same way.
func (s *Service) dayState(day string) string {
	today := s.today()
	switch {
	case day == "":
		return ""
	case day < today:
		return "overdue"
	case day == today:
		return "today"
	}
	return ""
}
