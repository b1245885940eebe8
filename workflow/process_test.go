package workflow_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/workflow"
)

func TestIncomingThroughDeputy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		doc := f.register(t, workflow.DocumentInput{Kind: workflow.KindIncoming, Medium: workflow.Paper, Title: "Запрос прокуратуры",
			Correspondent: "Прокуратура области", OrigNumber: "7-12/2026", OrigDate: "2026-03-01", Delivery: "почта"})
		if !strings.HasPrefix(doc.Number, "ВХ-") || !strings.HasSuffix(doc.Number, "/0001-б") {
			t.Fatalf("number %q", doc.Number)
		}
		wantStep(t, doc, "resolution", workflow.StatusActive)
		if ts := f.openTasks(t, f.chair); len(ts) != 1 || ts[0].DocumentID != doc.ID {
			t.Fatalf("chairman's tasks: %+v", ts)
		}
		// The executor cannot decide the chairman's step, nor even see the document yet.
		if _, err := f.s.Engine.Decide(f.ctx, f.exec1, doc.ID, workflow.DecisionInput{Decision: "resolve_deputy"}); !isNotFound(err) {
			t.Fatalf("executor decides: %v", err)
		}
		// A resolution needs its text and deadline.
		if _, err := f.s.Engine.Decide(f.ctx, f.chair, doc.ID, workflow.DecisionInput{Decision: "resolve_deputy"}); !valid.Is(err) {
			t.Fatalf("empty resolution: %v", err)
		}
		doc = f.decide(t, f.chair, doc.ID, workflow.DecisionInput{Decision: "resolve_deputy",
			Resolution: &workflow.Resolution{Text: "Подготовить ответ", Deadline: "2099-03-20", Priority: workflow.PriorityUrgent}})
		wantStep(t, doc, "assignment", workflow.StatusActive)
		if doc.Priority != workflow.PriorityUrgent || doc.Deadline != "2099-03-20" || doc.Resolution.Text != "Подготовить ответ" {
			t.Fatalf("resolution not applied: %+v", doc)
		}
		doc = f.decide(t, f.deputy, doc.ID, workflow.DecisionInput{Decision: "assign", Assignees: []string{f.exec1.UserID, f.exec2.UserID}})
		wantStep(t, doc, "execution", workflow.StatusActive)
		if _, err := f.s.Documents.GetDocument(f.ctx, f.exec2, doc.ID); err != nil {
			t.Fatalf("assigned executor cannot open: %v", err)
		}
		if err := f.s.Activity.Comment(f.ctx, f.exec2, doc.ID, "Нужны данные бухгалтерии"); err != nil {
			t.Fatal(err)
		}
		if ts := f.openTasks(t, f.exec1); len(ts) != 1 || ts[0].LastComment != "Нужны данные бухгалтерии" {
			t.Fatalf("exec1 tasks: %+v", ts)
		}
		doc = f.decide(t, f.exec1, doc.ID, workflow.DecisionInput{Decision: "done", Report: "Ответ подготовлен"})
		wantStep(t, doc, "execution", workflow.StatusActive) // exec2 still works
		if _, err := f.s.Engine.Decide(f.ctx, f.exec1, doc.ID, workflow.DecisionInput{Decision: "done"}); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("second done by the same executor: %v", err)
		}
		doc = f.decide(t, f.exec2, doc.ID, workflow.DecisionInput{Decision: "done"})
		wantStep(t, doc, "closed", workflow.StatusClosed)

		hist, err := f.s.Activity.History(f.ctx, f.chair, doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range hist {
			actions = append(actions, e.Action+":"+e.ActorName)
		}
		// The scopes record logins as names, as rows written before the
		// person-name change did: the history shows the users' full names.
		want := "register:Тест sec decision:Тест chair decision:Тест deputy comment:Тест exec2 decision:Тест exec1 decision:Тест exec2"
		if got := strings.Join(actions, " "); got != want {
			t.Fatalf("history %q, want %q", got, want)
		}
		rows, err := audit.List(f.ctx, d, f.admin, audit.Filter{ObjectType: "document", ObjectID: doc.ID})
		if err != nil || len(rows) != 6 {
			t.Fatalf("audit rows %d, %v", len(rows), err)
		}
		n, _, err := f.s.Notices.Notifications(f.ctx, f.sec, "", 50)
		if err != nil || len(n) < 2 {
			t.Fatalf("secretary notifications %d %v", len(n), err)
		}
	})
}

func TestIncomingDirectToExecutors(t *testing.T) {
	f := newFixture(t, dbtest.Open(t))
	doc := f.register(t, workflow.DocumentInput{Kind: workflow.KindIncoming, Title: "Письмо"})
	if _, err := f.s.Engine.Decide(f.ctx, f.chair, doc.ID, workflow.DecisionInput{Decision: "resolve_executors",
		Resolution: &workflow.Resolution{Text: "Исполнить", Deadline: "2099-01-01"}}); !valid.Is(err) {
		t.Fatalf("no executors chosen: %v", err)
	}
	// Another committee's secretary is not someone this chairman may assign.
	if _, err := f.s.Engine.Decide(f.ctx, f.chair, doc.ID, workflow.DecisionInput{Decision: "resolve_executors",
		Resolution: &workflow.Resolution{Text: "Исполнить", Deadline: "2099-01-01"}, Assignees: []string{f.secB.UserID}}); !valid.Is(err) {
		t.Fatalf("out-of-scope executor: %v", err)
	}
	doc = f.decide(t, f.chair, doc.ID, workflow.DecisionInput{Decision: "resolve_executors",
		Resolution: &workflow.Resolution{Text: "Исполнить", Deadline: "2099-01-01"}, Assignees: []string{f.exec1.UserID}})
	wantStep(t, doc, "execution", workflow.StatusActive)
	if ts := f.openTasks(t, f.exec1); len(ts) != 1 || ts[0].Deadline.IsZero() {
		t.Fatalf("executor task without the resolution's deadline: %+v", ts)
	}
	doc = f.decide(t, f.exec1, doc.ID, workflow.DecisionInput{Decision: "done"})
	wantStep(t, doc, "closed", workflow.StatusClosed)
}

func TestInternalBranches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		// Signed, then acknowledged by the chosen employees.
		doc := f.register(t, workflow.DocumentInput{Kind: workflow.KindInternal, Title: "Приказ об отпусках"})
		if _, err := f.s.Files.AddAttachment(f.ctx, f.sec, doc.ID, "приказ.pdf", "application/pdf", strings.NewReader("v1")); err != nil {
			t.Fatal(err)
		}
		doc = f.decide(t, f.chair, doc.ID, workflow.DecisionInput{Decision: "sign"})
		wantStep(t, doc, "acquaintance_choice", workflow.StatusActive)
		if doc.SignedAt.IsZero() {
			t.Fatal("not signed")
		}
		if _, err := f.s.Documents.UpdateDocument(f.ctx, f.sec, doc.ID, doc.DocumentInput); !valid.Is(err) {
			t.Fatalf("edit after signature: %v", err)
		}
		if _, err := f.s.Files.AddAttachment(f.ctx, f.sec, doc.ID, "приказ.pdf", "application/pdf", strings.NewReader("v2")); err != nil {
			t.Fatal(err)
		}
		atts, err := f.s.Files.Attachments(f.ctx, f.sec, doc.ID)
		if err != nil || len(atts) != 2 || !atts[0].Signed || atts[1].Signed || atts[1].Version != 2 {
			t.Fatalf("attachments after signature: %+v %v", atts, err)
		}
		doc = f.decide(t, f.sec, doc.ID, workflow.DecisionInput{Decision: "acquaint", Assignees: []string{f.exec1.UserID, f.exec2.UserID}})
		wantStep(t, doc, "acquaintance", workflow.StatusActive)
		f.decide(t, f.exec2, doc.ID, workflow.DecisionInput{Decision: "acknowledge"})
		doc = f.decide(t, f.exec1, doc.ID, workflow.DecisionInput{Decision: "acknowledge"})
		wantStep(t, doc, "closed", workflow.StatusClosed)

		// Signed, no acquaintance needed.
		doc = f.register(t, workflow.DocumentInput{Kind: workflow.KindInternal, Title: "Справка"})
		f.decide(t, f.chair, doc.ID, workflow.DecisionInput{Decision: "sign"})
		doc = f.decide(t, f.sec, doc.ID, workflow.DecisionInput{Decision: "no_acquaintance"})
		wantStep(t, doc, "closed", workflow.StatusClosed)

		// Rejected: the reason is required and recorded.
		doc = f.register(t, workflow.DocumentInput{Kind: workflow.KindInternal, Title: "Смета"})
		if _, err := f.s.Engine.Decide(f.ctx, f.chair, doc.ID, workflow.DecisionInput{Decision: "reject"}); !valid.Is(err) {
			t.Fatalf("reject without a reason: %v", err)
		}
		doc = f.decide(t, f.chair, doc.ID, workflow.DecisionInput{Decision: "reject", Comment: "Нет расчётов"})
		wantStep(t, doc, "rejected", workflow.StatusRejected)
		if doc.RejectionReason != "Нет расчётов" {
			t.Fatalf("reason %q", doc.RejectionReason)
		}
	})
}

func TestOutgoingWithReturnAndDispatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		doc := f.register(t, workflow.DocumentInput{Kind: workflow.KindOutgoing, Title: "Ответ прокуратуре", Correspondent: "Прокуратура"})
		if !strings.HasPrefix(doc.Number, "ИСХ-") {
			t.Fatalf("number %q", doc.Number)
		}
		doc = f.decide(t, f.sec, doc.ID, workflow.DecisionInput{Decision: "to_chairman"})
		doc = f.decide(t, f.chair, doc.ID, workflow.DecisionInput{Decision: "return", Comment: "Уточнить сроки"})
		wantStep(t, doc, "check", workflow.StatusActive)
		doc = f.decide(t, f.sec, doc.ID, workflow.DecisionInput{Decision: "to_chairman"})
		doc = f.decide(t, f.chair, doc.ID, workflow.DecisionInput{Decision: "approve"})
		wantStep(t, doc, "dispatch", workflow.StatusActive)
		if _, err := f.s.Engine.Decide(f.ctx, f.sec, doc.ID, workflow.DecisionInput{Decision: "dispatch", Dispatch: &workflow.Dispatch{Method: "pigeon"}}); !valid.Is(err) {
			t.Fatalf("unknown method: %v", err)
		}
		doc = f.decide(t, f.sec, doc.ID, workflow.DecisionInput{Decision: "dispatch", Dispatch: &workflow.Dispatch{Method: "post", Address: "г. Томск"}})
		wantStep(t, doc, "closed", workflow.StatusClosed)
		if doc.Dispatch == nil || doc.Dispatch.Method != "post" || doc.Dispatch.SentOn == "" {
			t.Fatalf("dispatch %+v", doc.Dispatch)
		}
		// Rejection branch.
		doc = f.register(t, workflow.DocumentInput{Kind: workflow.KindOutgoing, Title: "Письмо"})
		f.decide(t, f.sec, doc.ID, workflow.DecisionInput{Decision: "to_chairman"})
		doc = f.decide(t, f.chair, doc.ID, workflow.DecisionInput{Decision: "reject", Comment: "Не отправлять"})
		wantStep(t, doc, "rejected", workflow.StatusRejected)
	})
}
