package home

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/workflow"
)

// shown is how many items a section lists; Total says how many there are.
const shown = 8

// permitted turns "this role may not read that" into an empty section:
// the page shows what the person may use and nothing else.
func permitted(err error) error {
	if errors.Is(err, access.ErrForbidden) {
		return nil
	}
	return err
}

// myConversations are the caller's open conversations, newest first.
func (s *Service) myConversations(ctx context.Context, sc access.Scope) (Section, error) {
	sec := Section{ID: "my_conversations", Link: "/inbox"}
	if s.src.Conversations == nil {
		return sec, nil
	}
	cs, err := s.src.Conversations.List(ctx, sc, inbox.ConversationFilter{Status: "open", Mine: true, Limit: 100})
	if err != nil {
		return sec, permitted(err)
	}
	sec.Total = len(cs)
	for _, c := range cs[:min(len(cs), shown)] {
		it := Item{Title: c.ContactName, Detail: c.Subject, Link: inbox.ConversationLink(c.ID), At: c.LastMessageAt}
		if c.Unread > 0 {
			it.State = "unread"
		}
		sec.Items = append(sec.Items, it)
	}
	return sec, nil
}

// queue is what waits in the lines the caller answers, longest waiting
// first.
func (s *Service) queue(ctx context.Context, sc access.Scope) (Section, error) {
	sec := Section{ID: "queue", Link: "/inbox"}
	if s.src.Conversations == nil || s.src.LineList == nil {
		return sec, nil
	}
	lines, err := s.src.LineList.List(ctx, sc)
	if err != nil {
		return sec, permitted(err)
	}
	var cs []inbox.Conversation
	for _, l := range lines {
		if !slices.ContainsFunc(l.Operators, func(o inbox.LineOperator) bool { return o.UserID == sc.UserID }) {
			continue
		}
		waiting, err := s.src.Conversations.List(ctx, sc, inbox.ConversationFilter{Status: "waiting", LineID: l.ID, Limit: 100})
		if err != nil {
			return sec, permitted(err)
		}
		cs = append(cs, waiting...)
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].QueuedAt.Before(cs[j].QueuedAt) })
	sec.Total = len(cs)
	for _, c := range cs[:min(len(cs), shown)] {
		sec.Items = append(sec.Items, Item{Title: c.ContactName, Detail: c.Subject, Link: inbox.ConversationLink(c.ID), At: c.QueuedAt, State: "waiting"})
	}
	return sec, nil
}

// tasksDue are the caller's document tasks and open appeals, the nearest
// deadline first.
func (s *Service) tasksDue(ctx context.Context, sc access.Scope) (Section, error) {
	sec := Section{ID: "tasks_due", Link: "/documents#tasks"}
	type due struct {
		it  Item
		key string // sorts: overdue and nearest first, none last
	}
	var all []due
	if s.src.Tasks != nil {
		ts, err := s.src.Tasks.MyTasks(ctx, sc)
		if err != nil && permitted(err) != nil {
			return sec, err
		}
		for _, t := range ts {
			if t.Status != "open" {
				continue
			}
			it := Item{Title: t.Number + " · " + t.Title, Detail: t.StepName, Link: workflow.DocumentLink(t.DocumentID), At: t.Deadline,
				State: s.dueState(t.Deadline)}
			all = append(all, due{it, sortKey(t.Deadline)})
		}
	}
	if s.src.Appeals != nil {
		pg, err := s.src.Appeals.ListAppeals(ctx, sc, crm.AppealFilter{Mine: true, Open: true, Limit: 100})
		if err != nil && permitted(err) != nil {
			return sec, err
		}
		for _, a := range pg.Appeals {
			it := Item{Title: a.Number + " · " + a.Subject, Detail: a.UnitName, Link: crm.AppealLink(a.ID), Due: a.DueOn, State: s.dayState(a.DueOn)}
			k := "~"
			if a.DueOn != "" {
				k = a.DueOn
			}
			all = append(all, due{it, k})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].key < all[j].key })
	sec.Total = len(all)
	for _, d := range all[:min(len(all), shown)] {
		sec.Items = append(sec.Items, d.it)
	}
	return sec, nil
}

// sortKey orders deadlines as days, none last.
func sortKey(t time.Time) string {
	if t.IsZero() {
		return "~"
	}
	return t.UTC().Format(time.RFC3339)
}

// details joins the parts of an item's detail that are there.
func details(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}
