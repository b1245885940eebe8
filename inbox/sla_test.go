package inbox_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
)

// slaLine gives the fixture's line targets and makes op2 its supervisor.
func slaLine(t *testing.T, f *fixture, firstMin, resolveMin int) {
	t.Helper()
	l := f.line
	l.FirstResponseTargetMin, l.ResolutionTargetMin = firstMin, resolveMin
	l.Operators = []inbox.LineOperator{{UserID: f.op1.ID}, {UserID: f.op2.ID, Supervisor: true}}
	var err error
	if f.line, err = f.n.Inbox.Lines.Update(context.Background(), f.n.System, l); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) conversation(t *testing.T, id string) inbox.Conversation {
	t.Helper()
	c, err := f.n.Inbox.Conversations.Get(context.Background(), f.n.System, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := f.n.DB.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

// TestSLABreachIsMarkedAndToldOnce: two nodes sweep at the same moment (and
// their own sweepers run too); each missed target is marked once, with one
// event and one notice each for the assignee and the line's supervisor.
func TestSLABreachIsMarkedAndToldOnce(t *testing.T) {
	storage, _ := hubtest.NewSharedStorage(t)
	n1, n2 := hubtest.StartOn(t, storage), hubtest.StartOn(t, storage)
	f := newFixtureOn(t, n1, inbox.Manual, nil)
	slaLine(t, f, 30, 120)
	ctx := context.Background()
	_, in := f.post(t, n1.Server.URL, "m1", "1", "Когда будет выплата?")
	c := f.conversation(t, in.ConversationID)
	if c.SLAStartedAt.IsZero() || !c.FirstResponseDueAt.Equal(c.SLAStartedAt.Add(30*time.Minute)) ||
		!c.ResolutionDueAt.Equal(c.SLAStartedAt.Add(120*time.Minute)) {
		t.Fatalf("due times on creation: %+v", c.ServiceLevel)
	}
	if _, err := f.n.Inbox.Routing.Take(ctx, f.op1.Scope(""), c.ID); err != nil {
		t.Fatal(err)
	}
	// Both targets fall due a minute ago.
	past := time.Now().Add(-time.Minute).UnixMilli()
	f.exec(t, `UPDATE inbox_conversations SET first_response_due_at = $2, resolution_due_at = $2 WHERE id = $1`, c.ID, past)
	var wg sync.WaitGroup
	for _, n := range []*hubtest.Node{n1, n2, n1, n2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := n.Inbox.SLA.Sweep(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	c = f.conversation(t, c.ID)
	if c.FirstResponseBreachedAt.IsZero() || c.ResolutionBreachedAt.IsZero() {
		t.Fatalf("breaches not marked: %+v", c.ServiceLevel)
	}
	// Later sweeps find nothing new.
	for _, n := range []*hubtest.Node{n1, n2} {
		if k, err := n.Inbox.SLA.Sweep(ctx); err != nil || k != 0 {
			t.Fatalf("a later sweep marked %d (%v)", k, err)
		}
	}
	var breaches, events int
	if err := f.n.DB.QueryRow(`SELECT sla_breaches FROM inbox_conversations WHERE id = $1`, c.ID).Scan(&breaches); err != nil {
		t.Fatal(err)
	}
	if err := f.n.DB.QueryRow(`SELECT COUNT(*) FROM inbox_events WHERE conversation_id = $1 AND payload LIKE '%sla_breached%'`, c.ID).
		Scan(&events); err != nil {
		t.Fatal(err)
	}
	if breaches != 2 || events != 2 {
		t.Fatalf("breaches %d, events %d; want 2 and 2", breaches, events)
	}
	for _, u := range []string{f.op1.ID, f.op2.ID} {
		rows, err := f.n.DB.Query(`SELECT kind FROM notify_items WHERE user_id = $1 AND event_key LIKE 'inbox-sla:%' ORDER BY kind`, u)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for rows.Next() {
			var k string
			_ = rows.Scan(&k)
			kinds = append(kinds, k)
		}
		rows.Close()
		if len(kinds) != 2 || kinds[0] != inbox.AlertFirstResponseLate || kinds[1] != inbox.AlertResolutionLate {
			rows, _ := f.n.DB.Query(`SELECT user_id, event_key, kind FROM notify_items`)
			for rows.Next() {
				var a, b, k string
				_ = rows.Scan(&a, &b, &k)
				t.Log(a, b, k)
			}
			rows.Close()
			t.Fatalf("notices of %s (op1 %s): %v", u, f.op1.ID, kinds)
		}
	}
	// The supervisor's view counts them.
	ov, err := f.n.Inbox.Supervisor.Overview(ctx, f.op2.Scope(""), nil)
	if err != nil || len(ov) != 1 || ov[0].BreachedOpen != 1 || ov[0].BreachedToday != 2 {
		t.Fatalf("overview %+v %v", ov, err)
	}
	// A reopen starts a new clock; the count of breaches stays.
	if _, err := f.n.Inbox.Actions.Close(ctx, f.op1.Scope(""), c.ID); err != nil {
		t.Fatal(err)
	}
	if c, err = f.n.Inbox.Actions.Reopen(ctx, f.op1.Scope(""), c.ID); err != nil {
		t.Fatal(err)
	}
	if !c.FirstResponseBreachedAt.IsZero() || !c.FirstResponseDueAt.Equal(c.SLAStartedAt.Add(30*time.Minute)) || time.Since(c.SLAStartedAt) > time.Minute {
		t.Fatalf("reopened clock %+v", c.ServiceLevel)
	}
}

// TestSLAFollowsALineTransfer: a conversation moved to another line is due
// by that line's targets counted from when the member began to wait (the
// move buys no time), and a target already met or breached keeps its
// record.
func TestSLAFollowsALineTransfer(t *testing.T) {
	f := newFixture(t, inbox.Manual)
	slaLine(t, f, 60, 240)
	ctx := context.Background()
	other := inbox.DefaultLine()
	other.Name, other.UnitID, other.Mode = "Юридическая консультация", f.n.Root.ID, inbox.Manual
	other.FirstResponseTargetMin, other.ResolutionTargetMin = 10, 30
	other.Operators = []inbox.LineOperator{{UserID: f.op1.ID}, {UserID: f.op2.ID}}
	other, err := f.n.Inbox.Lines.Create(ctx, f.n.System, other)
	if err != nil {
		t.Fatal(err)
	}
	_, a := f.post(t, f.n.Server.URL, "m1", "1", "Вопрос по отпуску")
	_, b := f.post(t, f.n.Server.URL, "m2", "2", "Вопрос по зарплате")
	// Both members began to wait 20 minutes ago.
	start := time.Now().Add(-20 * time.Minute).Truncate(time.Millisecond)
	for _, id := range []string{a.ConversationID, b.ConversationID} {
		f.exec(t, `UPDATE inbox_conversations SET sla_started_at = $2, first_response_due_at = $3, resolution_due_at = $4 WHERE id = $1`,
			id, start.UnixMilli(), start.Add(60*time.Minute).UnixMilli(), start.Add(240*time.Minute).UnixMilli())
		if _, err := f.n.Inbox.Routing.Take(ctx, f.op1.Scope(""), id); err != nil {
			t.Fatal(err)
		}
	}
	// b: the first reply is made, and its resolution is missed.
	if _, err := f.n.Inbox.Dispatch.Reply(ctx, f.op1.Scope(""), b.ConversationID, inbox.ReplyInput{Text: "Смотрю, минуту."}); err != nil {
		t.Fatal(err)
	}
	f.exec(t, `UPDATE inbox_conversations SET resolution_due_at = $2 WHERE id = $1`, b.ConversationID, time.Now().Add(-time.Second).UnixMilli())
	if _, err := f.n.Inbox.SLA.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	before := f.conversation(t, b.ConversationID)
	if before.SLAAnsweredAt.IsZero() || before.ResolutionBreachedAt.IsZero() || !before.FirstResponseBreachedAt.IsZero() {
		t.Fatalf("b before the move: %+v", before.ServiceLevel)
	}
	for _, id := range []string{a.ConversationID, b.ConversationID} {
		if _, err := f.n.Inbox.Routing.Transfer(ctx, f.op1.Scope(""), id, inbox.TransferInput{LineID: other.ID}); err != nil {
			t.Fatal(err)
		}
	}
	ca := f.conversation(t, a.ConversationID)
	if ca.LineID != other.ID || !ca.SLAStartedAt.Equal(start) || !ca.FirstResponseDueAt.Equal(start.Add(10*time.Minute)) ||
		!ca.ResolutionDueAt.Equal(start.Add(30*time.Minute)) {
		t.Fatalf("a after the move: %+v, start %v", ca.ServiceLevel, start)
	}
	cb := f.conversation(t, b.ConversationID)
	if cb.ServiceLevel != before.ServiceLevel {
		t.Fatalf("b's met and breached targets changed with the move:\n%+v\n%+v", before.ServiceLevel, cb.ServiceLevel)
	}
	// a's first reply was due 10 minutes ago by the new line: the sweep marks it.
	if _, err := f.n.Inbox.SLA.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if ca = f.conversation(t, a.ConversationID); ca.FirstResponseBreachedAt.IsZero() || !ca.ResolutionBreachedAt.IsZero() {
		t.Fatalf("a after the sweep: %+v", ca.ServiceLevel)
	}
}
