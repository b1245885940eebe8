package home

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/workflow"
)

// toDecide are the documents waiting for the chairman's resolution,
// signature or approval (his open tasks).
func (s *Service) toDecide(ctx context.Context, sc access.Scope) (Section, error) {
	sec, err := s.toRegister(ctx, sc)
	sec.ID = "to_decide"
	return sec, err
}

// appealsOverdue are the open appeals of the subtree past their due day,
// the oldest deadline first.
func (s *Service) appealsOverdue(ctx context.Context, sc access.Scope) (Section, error) {
	sec := Section{ID: "appeals_overdue", Link: "/appeals"}
	if s.src.Appeals == nil {
		return sec, nil
	}
	pg, err := s.src.Appeals.ListAppeals(ctx, sc, crm.AppealFilter{Overdue: true, Limit: shown})
	if err != nil {
		return sec, permitted(err)
	}
	sec.Total = pg.Total
	for _, a := range pg.Appeals {
		sec.Items = append(sec.Items, Item{Title: a.Number + " · " + a.Subject, Detail: details(a.UnitName, a.ResponsibleName),
			Link: crm.AppealLink(a.ID), Due: a.DueOn, State: "overdue"})
	}
	return sec, nil
}

// weekPages bounds how many pages of this week's appeals are counted.
const weekPages = 6

// week counts this week's new appeals, registered documents and the
// appeals now overdue per committee: each unit right under the caller's
// (the caller's own unit gathers what is filed at it directly).
func (s *Service) week(ctx context.Context, sc access.Scope) (Section, error) {
	sec := Section{ID: "week", Link: "/appeals", Columns: []string{"appeals", "overdue", "documents"}}
	if s.src.Units == nil {
		return sec, nil
	}
	units, err := s.src.Units.ListUnits(ctx, sc, "")
	if err != nil {
		return sec, permitted(err)
	}
	paths := map[string]string{}
	type row struct {
		name, path string
		figures    map[string]int
	}
	var rows []*row
	var own *row
	for _, u := range units {
		paths[u.ID] = u.Path
		switch {
		case u.ID == sc.UnitID:
			own = &row{name: u.Name, path: u.Path, figures: map[string]int{}}
		case u.ParentID == sc.UnitID:
			rows = append(rows, &row{name: u.Name, path: u.Path, figures: map[string]int{}})
		}
	}
	if own == nil {
		return sec, nil
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].name < rows[j].name })
	rowOf := func(unitID string) *row {
		p := paths[unitID]
		for _, r := range rows {
			if strings.HasPrefix(p, r.path) {
				return r
			}
		}
		if strings.HasPrefix(p, own.path) {
			return own
		}
		return nil
	}
	since := s.weekStart()
	if s.src.Appeals != nil {
		figures := func(unitID string) map[string]int {
			if r := rowOf(unitID); r != nil {
				return r.figures
			}
			return nil
		}
		if err := s.countAppeals(ctx, sc, since, figures); err != nil {
			return sec, err
		}
	}
	if s.src.Documents != nil {
		pg, err := s.src.Documents.Journal(ctx, sc, workflow.JournalFilter{From: since.Format(time.DateOnly), Limit: 500})
		if err != nil && permitted(err) != nil {
			return sec, err
		}
		for _, d := range pg.Documents {
			if r := rowOf(d.UnitID); r != nil {
				r.figures["documents"]++
			}
		}
	}
	for _, r := range append(rows, own) {
		sec.Items = append(sec.Items, Item{Title: r.name, Figures: r.figures})
	}
	return sec, nil
}

// countAppeals counts the appeals filed since the week began, and those
// overdue now, into their committee's figures.
func (s *Service) countAppeals(ctx context.Context, sc access.Scope, since time.Time, figures func(unitID string) map[string]int) error {
	for page := 0; page < weekPages; page++ {
		pg, err := s.src.Appeals.ListAppeals(ctx, sc, crm.AppealFilter{Limit: 500, Offset: page * 500})
		if err != nil {
			return permitted(err)
		}
		older := false
		for _, a := range pg.Appeals {
			if a.CreatedAt.Before(since) {
				older = true
				break
			}
			if f := figures(a.UnitID); f != nil {
				f["appeals"]++
			}
		}
		if older || len(pg.Appeals) < 500 {
			break
		}
	}
	pg, err := s.src.Appeals.ListAppeals(ctx, sc, crm.AppealFilter{Overdue: true, Limit: 500})
	if err != nil {
		return permitted(err)
	}
	for _, a := range pg.Appeals {
		if f := figures(a.UnitID); f != nil {
			f["overdue"]++
		}
	}
	return nil
}
