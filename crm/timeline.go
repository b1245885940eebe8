package crm

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Timelines assembles a member's history: their conversations and
// appeals, and what the registered sources (calls, letters, mailings,
// documents) add.
type Timelines struct {
	db      *db.DB
	members *Members
	appeals *Appeals
	sources timelineSources
}

// TimelineEntry is one event of a member's history: a conversation, an
// appeal, a call, a letter, a mailing.
type TimelineEntry struct {
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"` // conversation, appeal, call, letter, mailing, …
	ID      string    `json:"id"`
	Title   string    `json:"title"`
	Summary string    `json:"summary,omitempty"`
	Status  string    `json:"status,omitempty"`
	Channel string    `json:"channel,omitempty"`
	Link    string    `json:"link,omitempty"` // path of its page in the UI
}

// TimelineSource adds a package's events to member timelines. The
// workflow (documents) is given in Deps.TimelineSources; the telephony
// package (calls) and the mailing package (mailings sent), which read the
// CRM and so are built after it, register at start-up:
//
//	hub.CRM.Timelines.RegisterTimelineSource("calls", telephony.Timeline{…})
//
// MemberTimeline returns the member's entries older than before (all when
// before is zero), newest first, at most limit, and only what sc may see:
// the CRM has checked that sc sees the member, not the source's records.
// A source's error leaves its entries out and is reported beside the
// timeline; it does not hide the rest.
type TimelineSource interface {
	MemberTimeline(ctx context.Context, sc access.Scope, m Member, before time.Time, limit int) ([]TimelineEntry, error)
}

type timelineSources struct {
	mu sync.RWMutex
	m  map[string]TimelineSource
}

// RegisterTimelineSource adds (or with src nil removes) a named source of
// timeline entries.
func (s *Timelines) RegisterTimelineSource(name string, src TimelineSource) {
	s.sources.mu.Lock()
	defer s.sources.mu.Unlock()
	if s.sources.m == nil {
		s.sources.m = map[string]TimelineSource{}
	}
	if src == nil {
		delete(s.sources.m, name)
		return
	}
	s.sources.m[name] = src
}

// Timeline is a page of a member's history.
type Timeline struct {
	Entries []TimelineEntry   `json:"entries"`
	Failed  map[string]string `json:"failed,omitempty"` // source → error, for sources that did not answer
}

// MemberTimeline returns the member's history older than before, newest
// first: their conversations (on lines of sc's scope), appeals, and what
// the registered sources add.
func (s *Timelines) MemberTimeline(ctx context.Context, sc access.Scope, memberID string, before time.Time, limit int) (Timeline, error) {
	m, err := s.members.GetMember(ctx, sc, memberID)
	if err != nil {
		return Timeline{}, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	s.sources.mu.RLock()
	sources := map[string]TimelineSource{"conversations": conversationsSource{s.db}, "appeals": appealsSource{s.appeals}}
	for k, v := range s.sources.m {
		sources[k] = v
	}
	s.sources.mu.RUnlock()
	tl := Timeline{Entries: []TimelineEntry{}}
	for name, src := range sources {
		es, err := src.MemberTimeline(ctx, sc, m, before, limit)
		if err != nil {
			if tl.Failed == nil {
				tl.Failed = map[string]string{}
			}
			tl.Failed[name] = err.Error()
			httpapi.Logger(ctx).Warn("timeline source failed", "source", name, "member", memberID, "err", err)
			continue
		}
		tl.Entries = append(tl.Entries, es...)
	}
	slices.SortFunc(tl.Entries, func(a, b TimelineEntry) int { return cmp.Or(b.At.Compare(a.At), cmp.Compare(a.ID, b.ID)) })
	if len(tl.Entries) > limit {
		tl.Entries = tl.Entries[:limit]
	}
	return tl, nil
}

func beforeMs(t time.Time) int64 {
	if t.IsZero() {
		return 1 << 62
	}
	return t.UnixMilli()
}

// conversationsSource reads the inbox's tables: the conversations of the
// contacts linked to the member, on lines of units in the caller's scope.
type conversationsSource struct{ db *db.DB }

func (c conversationsSource) MemberTimeline(ctx context.Context, sc access.Scope, m Member, before time.Time, limit int) ([]TimelineEntry, error) {
	if !sc.Can(access.AnswerInbox) {
		return nil, nil
	}
	lo, hi := sc.PathRange()
	rows, err := c.db.QueryContext(ctx, `SELECT c.id, c.created_at, c.status, c.subject, ch.kind, ch.name
		FROM inbox_contacts ct JOIN inbox_conversations c ON c.contact_id = ct.id
		JOIN inbox_channels ch ON ch.id = c.channel_id JOIN units u ON u.id = c.unit_id
		WHERE ct.member_id = $1 AND u.path >= $2 AND u.path < $3 AND c.created_at < $4
		ORDER BY c.created_at DESC LIMIT $5`, m.ID, lo, hi, beforeMs(before), limit)
	if err != nil {
		return nil, fmt.Errorf("crm: timeline conversations: %w", err)
	}
	defer rows.Close()
	var out []TimelineEntry
	for rows.Next() {
		var e TimelineEntry
		var at int64
		var subject, chName string
		if err := rows.Scan(&e.ID, &at, &e.Status, &subject, &e.Channel, &chName); err != nil {
			return nil, fmt.Errorf("crm: timeline conversations: %w", err)
		}
		e.At, e.Kind, e.Title, e.Summary, e.Link = db.Time(at), "conversation", cmp.Or(subject, chName), chName, "/inbox?c="+e.ID
		out = append(out, e)
	}
	return out, rows.Err()
}

type appealsSource struct{ appeals *Appeals }

func (a appealsSource) MemberTimeline(ctx context.Context, sc access.Scope, m Member, before time.Time, limit int) ([]TimelineEntry, error) {
	if !sc.Can(access.AnswerInbox) {
		return nil, nil
	}
	page, err := a.appeals.ListAppeals(ctx, sc, AppealFilter{MemberID: m.ID, CreatedBefore: before, Limit: limit})
	if err != nil {
		return nil, err
	}
	var out []TimelineEntry
	for _, ap := range page.Appeals {
		out = append(out, TimelineEntry{At: ap.CreatedAt, Kind: "appeal", ID: ap.ID, Title: ap.Number + " " + ap.Subject,
			Summary: ap.Topic, Status: string(ap.Status), Channel: ap.Channel, Link: "/appeals?id=" + ap.ID})
	}
	return out, nil
}
