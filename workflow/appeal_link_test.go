package workflow_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/workflow"
)

// An appeal card becomes an incoming document that keeps its link, only
// for someone who may see the appeal; the member's documents are on the
// member's CRM timeline, for those who may see them.
func TestAPIAppealBecomesIncomingDocument(t *testing.T) {
	f := newAPIFixture(t)
	ctx := t.Context()
	n := f.n
	member, err := n.CRM.Members.CreateMember(ctx, n.System, crm.MemberInput{UnitID: f.committee.ID, Surname: "Сидорова", GivenName: "Анна"}, false)
	if err != nil {
		t.Fatal(err)
	}
	appeal, err := n.CRM.Appeals.CreateAppeal(ctx, n.System, crm.AppealInput{UnitID: f.committee.ID, MemberID: member.ID, Channel: "letter",
		Subject: "Незаконное увольнение", Text: "Прошу защитить мои права.", Priority: 1})
	if err != nil {
		t.Fatal(err)
	}
	far := n.AddUnit(t, "", org.Committee, "Обком культуры")
	farAppeal, err := n.CRM.Appeals.CreateAppeal(ctx, n.System, crm.AppealInput{UnitID: far.ID, Applicant: "Кто-то", Channel: "visit",
		Subject: "Чужое обращение"})
	if err != nil {
		t.Fatal(err)
	}

	var doc workflow.Document
	f.sec.call(t, "POST", "/api/v1/workflow/appeals/"+appeal.ID+"/document", `{"medium":"electronic"}`, http.StatusCreated, &doc)
	if doc.Kind != workflow.KindIncoming || doc.AppealID != appeal.ID || doc.MemberID != member.ID || doc.Title != appeal.Subject ||
		doc.Correspondent != "Сидорова Анна" || doc.OrigNumber != appeal.Number || doc.Priority != 1 || doc.Step != "resolution" {
		t.Fatalf("from appeal %+v", doc)
	}
	// An appeal outside the caller's part of the federation is not found,
	// through either door; an executor registers nothing.
	f.sec.call(t, "POST", "/api/v1/workflow/appeals/"+farAppeal.ID+"/document", "", http.StatusUnprocessableEntity, nil)
	f.sec.call(t, "POST", "/api/v1/workflow/documents", fmt.Sprintf(`{"kind":"incoming","title":"x","appeal_id":%q}`, farAppeal.ID),
		http.StatusUnprocessableEntity, nil)
	f.sec.call(t, "POST", "/api/v1/workflow/documents", `{"kind":"incoming","title":"x","appeal_id":"no-such"}`,
		http.StatusUnprocessableEntity, nil)
	f.exec1.call(t, "POST", "/api/v1/workflow/appeals/"+appeal.ID+"/document", "", http.StatusForbidden, nil)
	f.sec.call(t, "POST", "/api/v1/workflow/appeals/"+appeal.ID+"/document", `{"colour":"red"}`, http.StatusUnprocessableEntity, nil)

	// One timeline: the appeal and its document on the member's card.
	chair := access.Scope{UserID: f.chair.id, UserName: "chairman", Role: access.Chairman, UnitID: f.committee.ID,
		UnitPath: f.committee.Path, From: "test"}
	tl, err := n.CRM.Timelines.MemberTimeline(ctx, chair, member.ID, time.Time{}, 50)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, e := range tl.Entries {
		kinds[e.Kind] = e.ID
	}
	if kinds["document"] != doc.ID || kinds["appeal"] != appeal.ID || len(tl.Failed) > 0 {
		t.Fatalf("timeline %+v", tl)
	}
	// The documents source answers only what the caller may see.
	farSec := access.Scope{UserID: "nobody", UserName: "far", Role: access.Secretary, UnitID: far.ID, UnitPath: far.Path}
	es, err := workflow.Timeline{S: n.Docs.Journal}.MemberTimeline(ctx, farSec, member, time.Time{}, 50)
	if err != nil || len(es) != 0 {
		t.Fatalf("another committee sees %+v %v", es, err)
	}
	es, err = workflow.Timeline{S: n.Docs.Journal}.MemberTimeline(ctx, chair, member, doc.CreatedAt, 50)
	if err != nil || len(es) != 0 {
		t.Fatalf("before its own time %+v %v", es, err)
	}
}
