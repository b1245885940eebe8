package web_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/demo"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/web/browsertest"
)

// TestDuplicatesInChromium walks the merge of two duplicates in real
// Chromium (web/browsertest/duplicates.test.mjs): the secretary opens the
// list of likely duplicates from the members page, compares a pair side
// by side, picks the values to keep and merges; the card that stays
// shows the chosen values, its history the other card's, and the appeal
// of the other card is now its. A chairman of another organisation does
// not see the pair and is refused its merge in Russian, with nothing
// changed.
func TestDuplicatesInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	var out bytes.Buffer
	if err := demo.Fill(ctx, demo.Env{DB: n.DB, Org: n.Org, Inbox: n.Inbox, CRM: n.CRM, Out: &out,
		Params: auth.CheapPasswordParams}); err != nil {
		t.Fatal(err)
	}
	unit := func(name string) (id string) {
		t.Helper()
		if err := n.DB.QueryRow(`SELECT id FROM units WHERE name = $1`, name).Scan(&id); err != nil {
			t.Fatalf("unit %s: %v", name, err)
		}
		return id
	}
	school, hospital := unit("ППО МОАУ «СОШ № 1» г. Оренбурга"), unit("ППО ГАУЗ «ГКБ № 1» г. Оренбурга")
	sys := n.System
	add := func(in crm.MemberInput) crm.Member {
		t.Helper()
		m, err := n.CRM.Members.CreateMember(ctx, sys, in, true)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a := add(crm.MemberInput{UnitID: school, Surname: "Дублева", GivenName: "Анна", Patronymic: "Сергеевна", BirthDate: "1979-04-12",
		Phones: []string{"+79221234567"}, Workplace: "МОАУ «СОШ № 1»", Position: "учитель", CardNumber: "DUP-1"})
	b := add(crm.MemberInput{UnitID: hospital, Surname: "Дублева", GivenName: "Анна", Patronymic: "Сергеевна", BirthDate: "1979-04-12",
		Phones: []string{"+79227654321"}, Emails: []string{"anna.dubleva@mail.example"}, Workplace: "ГАУЗ «ГКБ № 1»", Position: "медсестра",
		CardNumber: "DUP-2"})
	appeal, err := n.CRM.Appeals.CreateAppeal(ctx, sys, crm.AppealInput{MemberID: b.ID, UnitID: hospital, Subject: "Путёвка в санаторий"})
	if err != nil {
		t.Fatal(err)
	}
	c := add(crm.MemberInput{UnitID: school, Surname: "Повторов", GivenName: "Илья", BirthDate: "1990-09-09"})
	d := add(crm.MemberInput{UnitID: school, Surname: "Повторов", GivenName: "Илья", BirthDate: "1990-09-09", Phones: []string{"+79223334455"}})

	browsertest.Run(t, browsertest.Script{Name: "duplicates.test.mjs", Base: n.Server.URL,
		Env: []string{"PROFHUB_PASSWORD=" + demo.Password, "PROFHUB_DUP_A=" + a.ID, "PROFHUB_DUP_B=" + b.ID,
			"PROFHUB_DUP_C=" + c.ID, "PROFHUB_DUP_D=" + d.ID}})

	kept, err := n.CRM.Members.GetMember(ctx, sys, a.ID)
	if err != nil || kept.UnitID != hospital || kept.Position != "медсестра" || kept.CardNumber != "DUP-1" || len(kept.Phones) != 1 {
		t.Errorf("the card that stayed = %+v, %v", kept, err)
	}
	if _, err := n.CRM.Members.GetMember(ctx, sys, b.ID); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("the merged card remains: %v", err)
	}
	if got, err := n.CRM.Appeals.GetAppeal(ctx, sys, appeal.ID); err != nil || got.MemberID != a.ID {
		t.Errorf("the appeal belongs to %q, %v", got.MemberID, err)
	}
	for _, m := range []crm.Member{c, d} {
		if _, err := n.CRM.Members.GetMember(ctx, sys, m.ID); err != nil {
			t.Errorf("the refused merge lost %s: %v", m.FullName, err)
		}
	}
}
