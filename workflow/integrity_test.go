package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/workflow"
)

// 100 registrations at once get 100 distinct, consecutive numbers.
func TestConcurrentRegistrationNumbers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		if _, err := f.s.Numbering.SetNumberFormat(f.ctx, f.admin, f.a.ID, workflow.KindIncoming,
			workflow.NumberFormat{Format: "ВХ-{year}/{seq:4}-{medium}", PaperMark: "б", ElectronicMark: "э"}); err != nil {
			t.Fatal(err)
		}
		const n = 100
		var wg sync.WaitGroup
		nums := make([]string, n)
		seqs := make([]int64, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				doc, err := f.s.Documents.Register(f.ctx, f.sec, workflow.DocumentInput{Kind: workflow.KindIncoming, Title: fmt.Sprintf("Письмо %d", i)})
				nums[i], seqs[i], errs[i] = doc.Number, doc.Seq, err
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		slices.Sort(seqs)
		year := time.Now().In(workflow.Zone()).Year()
		for i, s := range seqs {
			if s != int64(i+1) {
				t.Fatalf("sequence %d at position %d: numbers are not consecutive", s, i)
			}
		}
		seen := map[string]bool{}
		for _, num := range nums {
			if seen[num] || !strings.HasPrefix(num, fmt.Sprintf("ВХ-%d/", year)) || !strings.HasSuffix(num, "-э") {
				t.Fatalf("number %q repeated or malformed", num)
			}
			seen[num] = true
		}
		// Registries are per committee: B starts at 1.
		f.user(t, org.NewStore(d), "chairb", access.Chairman, f.b)
		doc, err := f.s.Documents.Register(f.ctx, f.secB, workflow.DocumentInput{Kind: workflow.KindIncoming, Title: "Другое"})
		if err != nil || doc.Seq != 1 {
			t.Fatalf("committee B: %+v %v", doc, err)
		}
	})
}

// Two chairmen decide the same step at once: one wins, the other is told.
func TestConcurrentDecisionsOnOneStep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		chair2 := f.user(t, org.NewStore(d), "chair2", access.Chairman, f.a)
		for round := range 5 {
			doc := f.register(t, workflow.DocumentInput{Kind: workflow.KindInternal, Title: fmt.Sprintf("Приказ %d", round)})
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, sc := range []access.Scope{f.chair, chair2} {
				dec := []string{"sign", "reject"}[i]
				wg.Go(func() {
					_, errs[i] = f.s.Engine.Decide(f.ctx, sc, doc.ID, workflow.DecisionInput{Decision: dec, Comment: "мнение"})
				})
			}
			wg.Wait()
			ok, conflict := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case errors.Is(err, workflow.ErrConflict):
					conflict++
				default:
					t.Fatalf("unexpected error: %v", err)
				}
			}
			if ok != 1 || conflict != 1 {
				t.Fatalf("round %d: %d won, %d conflicts", round, ok, conflict)
			}
			hist, _ := f.s.Activity.History(f.ctx, f.chair, doc.ID)
			if len(hist) != 2 {
				t.Fatalf("history has %d events, want register and one decision", len(hist))
			}
		}
		// A stale page: the state version the person saw has moved on.
		doc := f.register(t, workflow.DocumentInput{Kind: workflow.KindOutgoing, Title: "Письмо"})
		if _, err := f.s.Engine.Decide(f.ctx, f.sec, doc.ID, workflow.DecisionInput{Decision: "to_chairman", StateVersion: doc.StateVersion + 7}); !errors.Is(err, workflow.ErrConflict) {
			t.Fatalf("stale state version: %v", err)
		}
	})
}

// The last two executors finishing at once: both decisions count and the
// document closes exactly once.
func TestConcurrentDoneAtAllStep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for round := range 5 {
			doc := f.register(t, workflow.DocumentInput{Kind: workflow.KindIncoming, Title: fmt.Sprintf("Письмо %d", round)})
			f.decide(t, f.chair, doc.ID, workflow.DecisionInput{Decision: "resolve_executors",
				Resolution: &workflow.Resolution{Text: "Исполнить", Deadline: "2099-01-01"}, Assignees: []string{f.exec1.UserID, f.exec2.UserID}})
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, sc := range []access.Scope{f.exec1, f.exec2} {
				wg.Go(func() { _, errs[i] = f.s.Engine.Decide(f.ctx, sc, doc.ID, workflow.DecisionInput{Decision: "done"}) })
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			got, err := f.s.Documents.GetDocument(f.ctx, f.chair, doc.ID)
			if err != nil || got.Status != workflow.StatusClosed {
				t.Fatalf("round %d: %+v %v", round, got, err)
			}
			hist, _ := f.s.Activity.History(f.ctx, f.chair, doc.ID)
			closes := 0
			for _, e := range hist {
				if e.ToStep == "closed" {
					closes++
				}
			}
			if closes != 1 {
				t.Fatalf("round %d: closed %d times", round, closes)
			}
		}
	})
}

func TestDefinitionValidation(t *testing.T) {
	for _, def := range workflow.Builtin() {
		if err := def.Validate(); err != nil {
			t.Fatalf("built-in %s: %v", def.ID, err)
		}
	}
	base := func() workflow.Definition { return workflow.Builtin()[1] } // incoming
	tests := []struct {
		name   string
		change func(d *workflow.Definition)
		want   string
	}{
		{"dead end step", func(d *workflow.Definition) { d.Steps[1].Decisions = nil }, "dead end"},
		{"loop without exit", func(d *workflow.Definition) {
			d.Steps[1].Decisions = []workflow.Decision{{ID: "back", Label: "Назад", To: "resolution"}}
			d.Steps[0].Decisions = []workflow.Decision{{ID: "go", Label: "Дальше", To: "assignment"}}
		}, "cannot be reached"},
		{"unreachable step", func(d *workflow.Definition) {
			d.Steps = append(d.Steps, workflow.Step{ID: "orphan", Name: "Сирота", Actor: workflow.Actor{Creator: true},
				Decisions: []workflow.Decision{{ID: "x", Label: "x", To: "closed"}}})
		}, "cannot be reached"},
		{"unknown target", func(d *workflow.Definition) { d.Steps[0].Decisions[0].To = "nowhere" }, "unknown step"},
		{"chosen step without choice", func(d *workflow.Definition) { d.Steps[1].Decisions[0].Choose = false }, "without choosing"},
		{"bad role", func(d *workflow.Definition) { d.Steps[0].Actor.Role = "king" }, "unknown role"},
		{"missing start", func(d *workflow.Definition) { d.Start = "x" }, "start step"},
	}
	for _, tc := range tests {
		d := base()
		tc.change(&d)
		err := d.Validate()
		if !valid.Is(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// A saved version applies to new documents; running ones keep theirs.
func TestDefinitionVersions(t *testing.T) {
	f := newFixture(t, dbtest.Open(t))
	old := f.register(t, workflow.DocumentInput{Kind: workflow.KindOutgoing, Title: "Старый"})
	def := workflow.Builtin()[2]
	def.Steps[0].Decisions[0].Label = "На подпись"
	def.Steps[0].Decisions = append(def.Steps[0].Decisions, workflow.Decision{ID: "withdraw", Label: "Отозвать", To: "rejected", NeedComment: true})
	if _, err := f.s.Definitions.SaveDefinition(f.ctx, f.sec, def); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("secretary saves a process: %v", err)
	}
	bad := def
	bad.Steps = slices.Clone(def.Steps)
	bad.Steps[1].Decisions = nil
	if _, err := f.s.Definitions.SaveDefinition(f.ctx, f.admin, bad); !valid.Is(err) {
		t.Fatalf("dead end saved: %v", err)
	}
	saved, err := f.s.Definitions.SaveDefinition(f.ctx, f.admin, def)
	if err != nil || saved.Version != 2 {
		t.Fatalf("save: %+v %v", saved, err)
	}
	neu := f.register(t, workflow.DocumentInput{Kind: workflow.KindOutgoing, Title: "Новый"})
	if old.ProcessVersion != 1 || neu.ProcessVersion != 2 {
		t.Fatalf("versions %d %d", old.ProcessVersion, neu.ProcessVersion)
	}
	if _, err := f.s.Engine.Decide(f.ctx, f.sec, old.ID, workflow.DecisionInput{Decision: "withdraw", Comment: "x"}); !valid.Is(err) {
		t.Fatalf("old document got the new decision: %v", err)
	}
	d := f.decide(t, f.sec, neu.ID, workflow.DecisionInput{Decision: "withdraw", Comment: "передумали"})
	wantStep(t, d, "rejected", workflow.StatusRejected)
}

func TestScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		doc := f.register(t, workflow.DocumentInput{Kind: workflow.KindIncoming, Title: "Секретное письмо"})
		// An executor does not see a document not assigned to them.
		if _, err := f.s.Documents.GetDocument(f.ctx, f.exec1, doc.ID); !isNotFound(err) {
			t.Fatalf("executor opens an unassigned document: %v", err)
		}
		page, err := f.s.Journal.Journal(f.ctx, f.exec1, workflow.JournalFilter{})
		if err != nil || page.Total != 0 {
			t.Fatalf("executor's journal: %d %v", page.Total, err)
		}
		// Another committee's secretary sees neither the document nor the registry.
		if _, err := f.s.Documents.GetDocument(f.ctx, f.secB, doc.ID); !isNotFound(err) {
			t.Fatalf("committee B opens A's document: %v", err)
		}
		if page, _ := f.s.Journal.Journal(f.ctx, f.secB, workflow.JournalFilter{}); page.Total != 0 {
			t.Fatalf("committee B sees %d of A's documents", page.Total)
		}
		regs, err := f.s.Numbering.Registries(f.ctx, f.secB)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range regs {
			if r.UnitID != f.b.ID {
				t.Fatalf("committee B sees registry of %s", r.UnitName)
			}
		}
		if _, err := f.s.Documents.Register(f.ctx, f.secB, workflow.DocumentInput{Kind: workflow.KindIncoming, Title: "x", UnitID: f.a.ID}); !isNotFound(err) {
			t.Fatalf("B registers into A's registry: %v", err)
		}
		if _, err := f.s.Documents.Register(f.ctx, f.exec1, workflow.DocumentInput{Kind: workflow.KindIncoming, Title: "x"}); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("executor registers: %v", err)
		}
		// The chairman and the federation's administrator see it.
		for _, sc := range []access.Scope{f.chair, f.deputy, f.admin} {
			if _, err := f.s.Documents.GetDocument(f.ctx, sc, doc.ID); err != nil {
				t.Fatalf("%s: %v", sc.UserName, err)
			}
		}
		// Once assigned, the executor sees it and can attach a report.
		f.decide(t, f.chair, doc.ID, workflow.DecisionInput{Decision: "resolve_executors",
			Resolution: &workflow.Resolution{Text: "Исполнить", Deadline: "2099-01-01"}, Assignees: []string{f.exec1.UserID}})
		if page, _ := f.s.Journal.Journal(f.ctx, f.exec1, workflow.JournalFilter{}); page.Total != 1 {
			t.Fatalf("assigned executor's journal: %d", page.Total)
		}
		if _, err := f.s.Files.AddAttachment(f.ctx, f.exec1, doc.ID, "../../etc/отчёт.docx", "", strings.NewReader("отчёт")); err != nil {
			t.Fatal(err)
		}
		atts, _ := f.s.Files.Attachments(f.ctx, f.exec1, doc.ID)
		if len(atts) != 1 || atts[0].Name != "отчёт.docx" {
			t.Fatalf("attachment name not cleaned: %+v", atts)
		}
		if _, err := f.s.Files.AddAttachment(f.ctx, f.exec2, doc.ID, "x.txt", "", strings.NewReader("x")); !isNotFound(err) {
			t.Fatalf("unassigned executor attaches: %v", err)
		}
	})
}

func TestNumberFormat(t *testing.T) {
	f := workflow.NumberFormat{Format: "ВХ-{year}/{seq:4}-{medium}", PaperMark: "б", ElectronicMark: "э"}
	if got := f.Render(2026, 123, workflow.Electronic); got != "ВХ-2026/0123-э" {
		t.Fatalf("render %q", got)
	}
	if got := (workflow.NumberFormat{Format: "{seq}/{yy}"}).Render(2026, 7, workflow.Paper); got != "7/26" {
		t.Fatalf("render %q", got)
	}
	for _, bad := range []workflow.NumberFormat{
		{Format: "ВХ-{seq}"},              // no year: numbers repeat next year
		{Format: "{year}"},                // no sequence
		{Format: "{year}-{seq}-{seq}"},    // two sequences
		{Format: "{year}-{seq}-{foo}"},    // unknown placeholder
		{Format: "{year}-{seq}-{medium}"}, // marks equal (both empty)
		{Format: "{year-{seq}"},           // stray brace
	} {
		if err := bad.Validate(); !valid.Is(err) {
			t.Errorf("%q accepted", bad.Format)
		}
	}
}

func TestJournalFiltersAndSweep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a := f.register(t, workflow.DocumentInput{Kind: workflow.KindIncoming, Title: "Жалоба на Семёнова", Correspondent: "ООО Ромашка"})
		b := f.register(t, workflow.DocumentInput{Kind: workflow.KindIncoming, Title: "Срочный запрос", Priority: workflow.PriorityUrgent})
		f.register(t, workflow.DocumentInput{Kind: workflow.KindOutgoing, Title: "Ответ"})
		page, err := f.s.Journal.Journal(f.ctx, f.chair, workflow.JournalFilter{Kind: workflow.KindIncoming})
		if err != nil || page.Total != 2 || page.Documents[0].ID != b.ID {
			t.Fatalf("urgent first: %+v %v", page, err)
		}
		if page, _ := f.s.Journal.Journal(f.ctx, f.chair, workflow.JournalFilter{Query: "семенов"}); page.Total != 1 || page.Documents[0].ID != a.ID {
			t.Fatalf("folded search: %+v", page)
		}
		if page, _ := f.s.Journal.Journal(f.ctx, f.chair, workflow.JournalFilter{Correspondent: "ромашка"}); page.Total != 1 {
			t.Fatalf("correspondent: %+v", page)
		}
		f.decide(t, f.chair, a.ID, workflow.DecisionInput{Decision: "resolve_executors",
			Resolution: &workflow.Resolution{Text: "Разобраться", Deadline: "2020-01-01"}, Assignees: []string{f.exec1.UserID}})
		if page, _ := f.s.Journal.Journal(f.ctx, f.chair, workflow.JournalFilter{Overdue: true}); page.Total != 1 || !page.Documents[0].Overdue {
			t.Fatalf("overdue: %+v", page)
		}
		if page, _ := f.s.Journal.Journal(f.ctx, f.chair, workflow.JournalFilter{Executor: f.exec1.UserID}); page.Total != 1 {
			t.Fatalf("executor filter: %+v", page)
		}
		if _, err := f.s.Journal.Journal(f.ctx, f.chair, workflow.JournalFilter{From: "01.01.2026"}); !valid.Is(err) {
			t.Fatalf("bad date: %v", err)
		}
		rep, err := f.s.Tasks.ControlReport(f.ctx, f.chair)
		if err != nil || len(rep) != 1 || rep[0].AssigneeID != f.exec1.UserID {
			t.Fatalf("control report: %+v %v", rep, err)
		}
		n, err := f.s.Deadlines.Sweep(f.ctx)
		if err != nil || n < 2 { // the executor's notice and the chairman's escalation
			t.Fatalf("sweep sent %d: %v", n, err)
		}
		if n, _ := f.s.Deadlines.Sweep(f.ctx); n != 0 {
			t.Fatalf("second sweep sent %d again", n)
		}
		notes, _, _ := f.s.Notices.Notifications(f.ctx, f.chair, "", 50)
		found := false
		for _, x := range notes {
			found = found || x.Kind == "overdue"
		}
		if !found {
			t.Fatalf("chairman not told of the overdue task: %+v", notes)
		}
	})
}

// BenchmarkRegister measures one registration: the number, the document,
// its history and audit entry, the chairman's task and notification.
func BenchmarkRegister(b *testing.B) {
	d, err := db.Open(context.Background(), "", b.TempDir()) // SQLite: the single-node default
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	f := newFixture(b, d)
	b.ResetTimer()
	for i := range b.N {
		if _, err := f.s.Documents.Register(f.ctx, f.sec, workflow.DocumentInput{Kind: workflow.KindIncoming, Title: fmt.Sprintf("Письмо %d", i)}); err != nil {
			b.Fatal(err)
		}
	}
}
