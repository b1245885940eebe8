package home

import (
	"context"
	"sort"
	"time"

	"github.com/profhub/profhub/internal/security/access"
)

// channels are the inbox channels with their health: failing (stopped by
// its connector, with the provider's reason), erring (a recent error) or
// working; failing first.
func (s *Service) channels(ctx context.Context, sc access.Scope) (Section, error) {
	sec := Section{ID: "channels", Link: "/settings/lines"}
	if s.src.Channels == nil {
		return sec, nil
	}
	chs, err := s.src.Channels.List(ctx, sc)
	if err != nil {
		return sec, permitted(err)
	}
	rank := map[string]int{"failing": 0, "erring": 1, "off": 2, "ok": 3}
	for _, ch := range chs {
		st, err := s.src.Channels.StatusOf(ctx, ch.ID)
		if err != nil {
			return sec, err
		}
		it := Item{Title: ch.Name, Detail: ch.Kind, Link: "/settings/lines", State: "ok"}
		switch {
		case ch.Disabled:
			it.State = "off"
		case st.FailedCode != "":
			it.State, it.Note, it.At = "failing", st.FailedReason, time.UnixMilli(st.FailedAt)
		case st.LastError != "" && time.Since(time.UnixMilli(st.LastErrorAt)) < 24*time.Hour:
			it.State, it.Note, it.At = "erring", st.LastError, time.UnixMilli(st.LastErrorAt)
		}
		sec.Items = append(sec.Items, it)
	}
	sort.SliceStable(sec.Items, func(i, j int) bool { return rank[sec.Items[i].State] < rank[sec.Items[j].State] })
	sec.Total = len(sec.Items)
	return sec, nil
}

// queues are the lines with what waits in them, the longest queue first.
func (s *Service) queues(ctx context.Context, sc access.Scope) (Section, error) {
	sec := Section{ID: "queues", Link: "/inbox/supervisor", Columns: []string{"waiting", "longest_wait_min", "active"}}
	if s.src.Lines == nil {
		return sec, nil
	}
	ls, err := s.src.Lines.Overview(ctx, sc, s.loc)
	if err != nil {
		return sec, permitted(err)
	}
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].Waiting > ls[j].Waiting })
	for _, l := range ls {
		it := Item{Title: l.Name, Link: "/inbox/supervisor",
			Figures: map[string]int{"waiting": l.Waiting, "longest_wait_min": int(l.LongestWaitS / 60), "active": l.Active}}
		if l.Waiting > 0 {
			it.State = "waiting"
		}
		sec.Items = append(sec.Items, it)
	}
	sec.Total = len(sec.Items)
	return sec, nil
}

// lastErrors are the channels' latest errors and the mailings paused by
// an alert, newest first.
func (s *Service) lastErrors(ctx context.Context, sc access.Scope) (Section, error) {
	sec := Section{ID: "last_errors"}
	if s.src.Channels != nil {
		chs, err := s.src.Channels.List(ctx, sc)
		if err != nil && permitted(err) != nil {
			return sec, err
		}
		for _, ch := range chs {
			st, err := s.src.Channels.StatusOf(ctx, ch.ID)
			if err != nil {
				return sec, err
			}
			switch {
			case st.FailedCode != "":
				sec.Items = append(sec.Items, Item{Title: ch.Name, Note: st.FailedReason, At: time.UnixMilli(st.FailedAt), Link: "/settings/lines", State: "failing"})
			case st.LastError != "":
				sec.Items = append(sec.Items, Item{Title: ch.Name, Note: st.LastError, At: time.UnixMilli(st.LastErrorAt), Link: "/settings/lines", State: "erring"})
			}
		}
	}
	if s.src.Campaigns != nil {
		cs, err := s.src.Campaigns.ListCampaigns(ctx, sc, 100, 0)
		if err != nil && permitted(err) != nil {
			return sec, err
		}
		for _, c := range cs {
			if c.Alert != "" {
				sec.Items = append(sec.Items, Item{Title: c.Name, Note: c.Alert, At: c.UpdatedAt, Link: "/mailings#" + c.ID, State: string(c.Status)})
			}
		}
	}
	sort.SliceStable(sec.Items, func(i, j int) bool { return sec.Items[i].At.After(sec.Items[j].At) })
	sec.Total = len(sec.Items)
	sec.Items = sec.Items[:min(len(sec.Items), shown)]
	return sec, nil
}
