package feed

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/workflow"
)

// Item is one entry of the merged feed: a post, or a document or appeal
// event the reader may see.
type Item struct {
	Kind string    `json:"kind"` // post | document | appeal
	At   time.Time `json:"at"`
	Post *Post     `json:"post,omitempty"`
	// Events: what it is ("ВХ-12 · О проверке"), who did what (the
	// source's action name, translated by the page), where it is opened.
	Title  string `json:"title,omitempty"`
	Action string `json:"action,omitempty"`
	Actor  string `json:"actor,omitempty"`
	Detail string `json:"detail,omitempty"`
	Link   string `json:"link,omitempty"`
}

// Page is one page of the feed: the pinned posts (first page only), then
// the items newest first; Next is the "before" of the next page (ms).
type Page struct {
	Pinned []Post `json:"pinned"`
	Items  []Item `json:"items"`
	Next   int64  `json:"next,omitempty"`
}

// pageSize is how many items one page holds.
const pageSize = 20

// Get reads one post the caller may see (ErrNotFound otherwise).
func (s *Service) Get(ctx context.Context, sc access.Scope, id string) (Post, error) {
	p, ph, err := s.get(ctx, s.db, sc, id)
	if err != nil {
		return Post{}, err
	}
	if err := s.decorate(ctx, sc, &p, ph); err != nil {
		return Post{}, err
	}
	return p, nil
}

// Feed is the caller's feed before the instant (ms; 0: now): their posts
// merged by time with the document and appeal events they may see.
func (s *Service) Feed(ctx context.Context, sc access.Scope, before int64) (Page, error) {
	pg := Page{Pinned: []Post{}, Items: []Item{}}
	first := before <= 0
	if first {
		before = s.now().UnixMilli() + 1
	}
	if first {
		posts, heads, err := s.list(ctx, sc, true, before, 20)
		if err != nil {
			return pg, err
		}
		for i := range posts {
			if err := s.decorate(ctx, sc, &posts[i], heads[i]); err != nil {
				return pg, err
			}
			pg.Pinned = append(pg.Pinned, posts[i])
		}
	}
	posts, heads, err := s.list(ctx, sc, false, before, pageSize)
	if err != nil {
		return pg, err
	}
	for i := range posts {
		if err := s.decorate(ctx, sc, &posts[i], heads[i]); err != nil {
			return pg, err
		}
		pg.Items = append(pg.Items, Item{Kind: "post", At: posts[i].CreatedAt, Post: &posts[i]})
	}
	events, err := s.events(ctx, sc, time.UnixMilli(before))
	if err != nil {
		return pg, err
	}
	pg.Items = append(pg.Items, events...)
	sort.SliceStable(pg.Items, func(i, j int) bool { return pg.Items[i].At.After(pg.Items[j].At) })
	if len(pg.Items) > pageSize {
		pg.Items = pg.Items[:pageSize]
	}
	if len(pg.Items) == pageSize {
		pg.Next = pg.Items[pageSize-1].At.UnixMilli()
	}
	return pg, nil
}

// events are the document and appeal events before the instant, at most
// a page of each; a source the caller may not read gives nothing.
func (s *Service) events(ctx context.Context, sc access.Scope, before time.Time) ([]Item, error) {
	var out []Item
	if s.deps.Documents != nil {
		evs, err := s.deps.Documents.Feed(ctx, sc, idBound(before), pageSize)
		if err != nil && !errors.Is(err, access.ErrForbidden) {
			return nil, fmt.Errorf("feed: document events: %w", err)
		}
		seen := map[string]bool{}
		for _, e := range evs {
			if seen[e.DocumentID] {
				continue // one line per document on a page: its newest event (the steps are on its card)
			}
			seen[e.DocumentID] = true
			out = append(out, Item{Kind: "document", At: e.At, Title: e.Number + " · " + e.Title, Action: e.Action,
				Actor: e.ActorName, Detail: e.Comment, Link: workflow.DocumentLink(e.DocumentID)})
		}
	}
	if s.deps.Appeals != nil && sc.Can(access.AnswerInbox) {
		pg, err := s.deps.Appeals.ListAppeals(ctx, sc, crm.AppealFilter{CreatedBefore: before, Limit: pageSize})
		if err != nil && !errors.Is(err, access.ErrForbidden) {
			return nil, fmt.Errorf("feed: appeals: %w", err)
		}
		for _, a := range pg.Appeals {
			out = append(out, Item{Kind: "appeal", At: a.CreatedAt, Title: a.Number + " · " + a.Subject, Action: "appeal_new",
				Detail: a.UnitName, Link: crm.AppealLink(a.ID)})
		}
	}
	return out, nil
}

// idBound is the smallest UUIDv7 text of an instant: the workflow's event
// ids are ordered by their leading milliseconds, so "id < bound" is
// "before the instant".
func idBound(t time.Time) string {
	ms := t.UnixMilli()
	return fmt.Sprintf("%08x-%04x", ms>>16, ms&0xffff)
}
