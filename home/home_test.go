package home

import (
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
)

type fakeConversations map[string][]inbox.Conversation // line → waiting

func (f fakeConversations) List(_ context.Context, _ access.Scope, flt inbox.ConversationFilter) ([]inbox.Conversation, error) {
	if flt.Mine {
		return []inbox.Conversation{{ID: "mine", ContactName: "Мой", Unread: 2}}, nil
	}
	if flt.LineID == "" {
		var all []inbox.Conversation
		for _, cs := range f {
			all = append(all, cs...)
		}
		return all, nil
	}
	return f[flt.LineID], nil
}

type fakeLines []inbox.Line

func (f fakeLines) List(context.Context, access.Scope) ([]inbox.Line, error) { return f, nil }

// An operator's queue is that of the lines they answer, oldest first, and
// each item opens the conversation; their own conversation with unread
// messages is marked.
func TestOperatorPage(t *testing.T) {
	now := time.Now()
	convs := fakeConversations{
		"l1": {{ID: "b", ContactName: "Второй", QueuedAt: now.Add(-time.Minute)}, {ID: "a", ContactName: "Первый", QueuedAt: now.Add(-time.Hour)}},
		"l2": {{ID: "x", ContactName: "Чужой", QueuedAt: now.Add(-2 * time.Hour)}},
	}
	lines := fakeLines{{ID: "l1", Operators: []inbox.LineOperator{{UserID: "op"}}}, {ID: "l2", Operators: []inbox.LineOperator{{UserID: "other"}}}}
	s := New(Sources{Conversations: convs, LineList: lines}, time.UTC)
	p, err := s.Page(context.Background(), access.Scope{UserID: "op", Role: access.Operator, UnitPath: "/u/"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Role != "operator" || len(p.Sections) != 3 {
		t.Fatalf("page: %+v", p)
	}
	mine, queue, tasks := p.Sections[0], p.Sections[1], p.Sections[2]
	if len(mine.Items) != 1 || mine.Items[0].State != "unread" || mine.Items[0].Link != "/inbox?c=mine" {
		t.Errorf("my conversations: %+v", mine.Items)
	}
	if len(queue.Items) != 2 || queue.Items[0].Title != "Первый" || queue.Items[1].Title != "Второй" || queue.Total != 2 {
		t.Errorf("queue: %+v", queue.Items)
	}
	if len(tasks.Items) != 0 || tasks.Items == nil {
		t.Errorf("tasks without a tasks source: %+v", tasks.Items)
	}
}

// Deadlines are overdue, today or nothing, in the installation's zone.
func TestDueStates(t *testing.T) {
	loc := time.FixedZone("MSK", 3*3600)
	s := New(Sources{}, loc)
	s.now = func() time.Time { return time.Date(2026, 12, 4, 10, 0, 0, 0, loc) } // a Friday
	for day, want := range map[string]string{"2026-12-03": "overdue", "2026-12-04": "today", "2026-12-05": "", "": ""} {
		if got := s.dayState(day); got != want {
			t.Errorf("dayState(%q) = %q, want %q", day, got, want)
		}
	}
	for at, want := range map[time.Time]string{
		time.Date(2026, 12, 4, 9, 0, 0, 0, loc):  "overdue",
		time.Date(2026, 12, 4, 23, 0, 0, 0, loc): "today",
		time.Date(2026, 12, 5, 1, 0, 0, 0, loc):  "",
		{}:                                       "",
	} {
		if got := s.dueState(at); got != want {
			t.Errorf("dueState(%v) = %q, want %q", at, got, want)
		}
	}
	if ws := s.weekStart(); !ws.Equal(time.Date(2026, 11, 30, 0, 0, 0, 0, loc)) {
		t.Errorf("week starts %v, want Monday 30 November", ws)
	}
	// Every role gets its page, each section with a list (never null).
	for role, want := range map[access.Role]string{access.Administrator: "administrator", access.Chairman: "chairman",
		access.Deputy: "chairman", access.Secretary: "secretary", access.Operator: "operator", access.Executor: "executor"} {
		p, err := s.Page(context.Background(), access.Scope{UserID: "u", Role: role, UnitPath: "/u/"})
		if err != nil || p.Role != want || len(p.Sections) == 0 {
			t.Fatalf("%s: %+v %v", role, p, err)
		}
		for _, sec := range p.Sections {
			if sec.Items == nil {
				t.Errorf("%s: section %s has a null list", role, sec.ID)
			}
		}
	}
}
