package web_test

import (
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/browsertest"
)

// TestAppealToDocumentInChromium: the secretary opens an appeal card on
// /appeals, registers it as an incoming document with the button there and
// lands on the new document's card (web/browsertest/appeal-document.test.mjs).
func TestAppealToDocumentInChromium(t *testing.T) {
	n := browsertest.Start(t)
	const pw = "appeal-doc-password"
	committee := n.AddUnit(t, "", org.Committee, "Обком профсоюза образования")
	browsertest.Users(t, n, committee.ID, pw, browsertest.User{Login: "secretary", Role: access.Secretary},
		browsertest.User{Login: "chairman", Role: access.Chairman})
	ctx := t.Context()
	m, err := n.CRM.Members.CreateMember(ctx, n.System, crm.MemberInput{UnitID: committee.ID, Surname: "Сидорова", GivenName: "Анна"}, false)
	if err != nil {
		t.Fatal(err)
	}
	a, err := n.CRM.Appeals.CreateAppeal(ctx, n.System, crm.AppealInput{UnitID: committee.ID, MemberID: m.ID, Channel: "letter",
		Subject: "Незаконное увольнение", Text: "Прошу защитить мои права."})
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "appeal-document.test.mjs", Base: n.Server.URL,
		Env: []string{"PROFHUB_PASSWORD=" + pw, "PROFHUB_APPEAL=" + a.ID}})
}
