package home

import (
	"context"
	"sort"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/workflow"
)

// toRegister are the documents waiting for the secretary: her open tasks
// (checking, dispatching, choosing who reads a signed document).
func (s *Service) toRegister(ctx context.Context, sc access.Scope) (Section, error) {
	sec := Section{ID: "to_register", Link: "/documents#tasks"}
	if s.src.Tasks == nil {
		return sec, nil
	}
	ts, err := s.src.Tasks.MyTasks(ctx, sc)
	if err != nil {
		return sec, permitted(err)
	}
	for _, t := range ts {
		if t.Status != "open" {
			continue
		}
		sec.Total++
		if len(sec.Items) < shown {
			sec.Items = append(sec.Items, Item{Title: t.Number + " · " + t.Title, Detail: t.StepName, Link: workflow.DocumentLink(t.DocumentID),
				At: t.Deadline, State: s.dueState(t.Deadline)})
		}
	}
	return sec, nil
}

// deadlines are the tasks and appeals of the caller's units due today or
// overdue, overdue first.
func (s *Service) deadlines(ctx context.Context, sc access.Scope) (Section, error) {
	sec := Section{ID: "deadlines", Link: "/documents#control"}
	var items []Item
	if s.src.Tasks != nil {
		ts, err := s.src.Tasks.ControlReport(ctx, sc)
		if err != nil && permitted(err) != nil {
			return sec, err
		}
		for _, t := range ts {
			if t.Status != "open" || t.Deadline.IsZero() || !t.Deadline.Before(s.endOfToday()) {
				continue
			}
			items = append(items, Item{Title: t.Number + " · " + t.Title, Detail: t.AssigneeName, Link: workflow.DocumentLink(t.DocumentID),
				At: t.Deadline, State: s.dueState(t.Deadline)})
		}
	}
	if s.src.Appeals != nil {
		pg, err := s.src.Appeals.ListAppeals(ctx, sc, crm.AppealFilter{Open: true, Limit: 500})
		if err != nil && permitted(err) != nil {
			return sec, err
		}
		for _, a := range pg.Appeals {
			if st := s.dayState(a.DueOn); st != "" {
				items = append(items, Item{Title: a.Number + " · " + a.Subject, Detail: a.ResponsibleName, Link: crm.AppealLink(a.ID), Due: a.DueOn, State: st})
			}
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].State == "overdue" && items[j].State != "overdue" })
	sec.Total = len(items)
	sec.Items = items[:min(len(items), shown)]
	return sec, nil
}

// inProgress are the member imports and the mailings under way.
func (s *Service) inProgress(ctx context.Context, sc access.Scope) (Section, error) {
	sec := Section{ID: "in_progress", Link: "/mailings"}
	if s.src.Imports != nil {
		bs, err := s.src.Imports.Running(ctx, sc)
		if err != nil && permitted(err) != nil {
			return sec, err
		}
		for _, b := range bs {
			sec.Items = append(sec.Items, Item{Title: b.FileName, Detail: b.UserName, Link: "/members/import", At: b.CreatedAt, State: "running",
				Figures: map[string]int{"done": b.Done, "total": b.Total}})
		}
	}
	if s.src.Campaigns != nil {
		cs, err := s.src.Campaigns.ListCampaigns(ctx, sc, 100, 0)
		if err != nil && permitted(err) != nil {
			return sec, err
		}
		for _, c := range cs {
			var st string
			switch c.Status {
			case mailing.StatusRunning:
				st = "running"
			case mailing.StatusScheduled:
				st = "scheduled"
			case mailing.StatusPaused:
				st = "paused"
			default:
				continue
			}
			it := Item{Title: c.Name, Link: "/mailings#" + c.ID, At: c.UpdatedAt, State: st, Note: c.Alert}
			if c.ScheduledAt != nil && st == "scheduled" {
				it.At = *c.ScheduledAt
			}
			sec.Items = append(sec.Items, it)
		}
	}
	sec.Total = len(sec.Items)
	sec.Items = sec.Items[:min(len(sec.Items), shown)]
	return sec, nil
}
