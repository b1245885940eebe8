package workflow_test

import (
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/workflow"
)

// An incoming letter, the outgoing reply linked to it and a member card:
// both show each other, the journal filters by member, and the feed shows
// the events of what the person may see.
func TestLinksFeedAndReminder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		m, err := crm.New(crm.Deps{DB: d}).Members.CreateMember(f.ctx, f.sys, crm.MemberInput{UnitID: f.a1.ID, Surname: "Семёнова", GivenName: "Анна"}, false)
		if err != nil {
			t.Fatal(err)
		}
		in := f.register(t, workflow.DocumentInput{Kind: workflow.KindIncoming, Title: "Жалоба члена профсоюза", MemberID: m.ID})
		out := f.register(t, workflow.DocumentInput{Kind: workflow.KindOutgoing, Title: "Ответ на жалобу", RelatedID: in.ID, MemberID: m.ID})
		for _, pair := range [][2]workflow.Document{{in, out}, {out, in}} {
			rel, err := f.s.Journal.Related(f.ctx, f.chair, pair[0])
			if err != nil || len(rel) != 1 || rel[0].ID != pair[1].ID {
				t.Fatalf("related of %s: %+v %v", pair[0].Title, rel, err)
			}
		}
		if page, _ := f.s.Journal.Journal(f.ctx, f.chair, workflow.JournalFilter{MemberID: m.ID}); page.Total != 2 {
			t.Fatalf("member's documents: %d", page.Total)
		}
		// Links outside the secretary's scope are refused.
		if _, err := f.s.Documents.Register(f.ctx, f.secB, workflow.DocumentInput{Kind: workflow.KindOutgoing, Title: "x", MemberID: m.ID}); !valid.Is(err) {
			t.Fatalf("out-of-scope member link: %v", err)
		}
		if _, err := f.s.Documents.Register(f.ctx, f.secB, workflow.DocumentInput{Kind: workflow.KindOutgoing, Title: "x", RelatedID: in.ID}); !valid.Is(err) {
			t.Fatalf("out-of-scope related document: %v", err)
		}
		feed, err := f.s.Activity.Feed(f.ctx, f.chair, "", 50)
		if err != nil || len(feed) != 2 || feed[0].DocumentID != out.ID {
			t.Fatalf("chairman's feed: %+v %v", feed, err)
		}
		if feed, _ := f.s.Activity.Feed(f.ctx, f.exec1, "", 50); len(feed) != 0 {
			t.Fatalf("executor sees %d events of documents not theirs", len(feed))
		}
		// A task due within a day gets one reminder: the executor's (due
		// today) and the secretary's check of the reply (one day).
		today := time.Now().In(workflow.Zone()).Format(time.DateOnly)
		f.decide(t, f.chair, in.ID, workflow.DecisionInput{Decision: "resolve_executors",
			Resolution: &workflow.Resolution{Text: "Ответить", Deadline: today}, Assignees: []string{f.exec1.UserID}})
		if n, err := f.s.Deadlines.Sweep(f.ctx); err != nil || n != 2 {
			t.Fatalf("sweep sent %d: %v", n, err)
		}
		if n, _ := f.s.Deadlines.Sweep(f.ctx); n != 0 {
			t.Fatalf("second sweep reminded %d again", n)
		}
		notes, _, _ := f.s.Notices.Notifications(f.ctx, f.exec1, "", 10)
		if len(notes) == 0 || notes[0].Kind != "reminder" {
			t.Fatalf("executor's notifications: %+v", notes)
		}
	})
}
