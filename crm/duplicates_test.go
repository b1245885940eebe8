package crm_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// pairOf finds the pair of a and b in d, in either order.
func pairOf(d crm.Duplicates, a, b string) (crm.DuplicatePair, bool) {
	for _, p := range d.Pairs {
		if (p.A.ID == a && p.B.ID == b) || (p.A.ID == b && p.B.ID == a) {
			return p, true
		}
	}
	return crm.DuplicatePair{}, false
}

// TestListDuplicates: the list of likely duplicates finds pairs by phone,
// e-mail, and name with birth date, each pair once with all its reasons,
// and only pairs whose both cards lie in the caller's scope.
func TestListDuplicates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		force := func(in crm.MemberInput) crm.Member {
			t.Helper()
			m, err := f.s.Members.CreateMember(f.ctx, f.sys, in, true)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		orig := f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Кузнецова", GivenName: "Ольга", BirthDate: "1985-03-03",
			Phones: []string{"+79001112233"}, Emails: []string{"olga@example.org"}})
		byPhone := force(crm.MemberInput{UnitID: f.a2.ID, Surname: "Иная", Phones: []string{"8 900 111-22-33"}})
		byTwo := force(crm.MemberInput{UnitID: f.a2.ID, Surname: "КУЗНЕЦОВА", GivenName: "ольга", BirthDate: "1985-03-03", Emails: []string{"Olga@example.org"}})
		sameNameOtherDay := force(crm.MemberInput{UnitID: f.a1.ID, Surname: "Кузнецова", GivenName: "Ольга", BirthDate: "1990-01-01"})
		noBirth1 := force(crm.MemberInput{UnitID: f.a1.ID, Surname: "Без даты"})
		noBirth2 := force(crm.MemberInput{UnitID: f.a2.ID, Surname: "Без даты"})
		inB := force(crm.MemberInput{UnitID: f.b1.ID, Surname: "Чужая", Phones: []string{"+79001112233"}})

		got, err := f.s.Members.ListDuplicates(f.ctx, f.chairA, 0)
		if err != nil {
			t.Fatal(err)
		}
		// orig–byPhone (phone), orig–byTwo (e-mail, name and birth date),
		// byPhone–byTwo share nothing; the card in B is not A's.
		if len(got.Pairs) != 2 || got.More {
			t.Fatalf("A's chairman sees %d pairs (more %v): %+v", len(got.Pairs), got.More, got.Pairs)
		}
		if p, ok := pairOf(got, orig.ID, byPhone.ID); !ok || !slices.Equal(p.Reasons, []string{"phone"}) {
			t.Errorf("the phone pair = %+v, %v", p, ok)
		}
		if p, ok := pairOf(got, orig.ID, byTwo.ID); !ok || !slices.Equal(p.Reasons, []string{"email", "name_birth"}) || p.A.FullName == "" || p.B.UnitName == "" {
			t.Errorf("the e-mail and name pair = %+v, %v", p, ok)
		}
		for _, other := range []string{sameNameOtherDay.ID, noBirth1.ID, noBirth2.ID, inB.ID} {
			for _, p := range got.Pairs {
				if p.A.ID == other || p.B.ID == other {
					t.Errorf("a card that is no duplicate, or not A's, is listed: %s in %+v", other, p)
				}
			}
		}

		// The operator of A1 sees A1 only: every pair above has a card in A2.
		if got, err := f.s.Members.ListDuplicates(f.ctx, f.opA1, 0); err != nil || len(got.Pairs) != 0 {
			t.Errorf("A1's operator sees %+v, %v", got, err)
		}
		// The whole federation sees the pair across committees too, and a
		// page of one says there is more.
		all, err := f.s.Members.ListDuplicates(f.ctx, f.sys, 0)
		if err != nil || len(all.Pairs) != 4 {
			t.Fatalf("the federation's pairs = %d, %v", len(all.Pairs), err)
		}
		if _, ok := pairOf(all, orig.ID, inB.ID); !ok {
			t.Errorf("the pair across committees is missing: %+v", all.Pairs)
		}
		if one, err := f.s.Members.ListDuplicates(f.ctx, f.sys, 1); err != nil || len(one.Pairs) != 1 || !one.More {
			t.Errorf("a page of one = %+v, %v", one, err)
		}
		exec := f.opA1
		exec.Role = "nobody"
		if _, err := f.s.Members.ListDuplicates(f.ctx, exec, 0); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("a role without the registry: %v", err)
		}

		// The same through the API; then a merge there, with a choice.
		code, body := f.call(t, f.chairA, "GET", "/api/v1/crm/members/duplicates?limit=10", "")
		var api crm.Duplicates
		if err := json.Unmarshal(body, &api); code != http.StatusOK || err != nil || len(api.Pairs) != 2 || api.Pairs[0].Reasons == nil {
			t.Fatalf("GET duplicates = %d %s", code, body)
		}
		if code, body := f.call(t, f.chairA, "GET", "/api/v1/crm/members/duplicates?limit=x", ""); code != http.StatusUnprocessableEntity {
			t.Errorf("a bad limit = %d %s", code, body)
		}
		code, body = f.call(t, f.chairA, "POST", "/api/v1/crm/members/"+orig.ID+"/merge",
			`{"drop_id": "`+byPhone.ID+`", "choose": {"surname": "drop", "phones": "keep"}}`)
		var merged crm.Member
		if err := json.Unmarshal(body, &merged); code != http.StatusOK || err != nil || merged.Surname != "Иная" || merged.ID != orig.ID {
			t.Fatalf("POST merge = %d %s", code, body)
		}
		if got, err := f.s.Members.ListDuplicates(f.ctx, f.chairA, 0); err != nil || len(got.Pairs) != 1 {
			t.Errorf("after the merge = %+v, %v", got, err)
		}
	})
}

// TestMergeChoosingFields: the merge takes each chosen field from the card
// named, moves appeals and history to the survivor, and a merge with a
// card outside the caller's scope is refused with nothing changed.
func TestMergeChoosingFields(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		keep := f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Кузнецова", GivenName: "Оля", BirthDate: "1985-03-03",
			Phones: []string{"+79001112233"}, Workplace: "школа", CardNumber: "K-1", Custom: map[string]any{"size": "M"}})
		drop, err := f.s.Members.CreateMember(f.ctx, f.sys, crm.MemberInput{UnitID: f.a2.ID, Surname: "Кузнецова", GivenName: "Ольга",
			Patronymic: "Ивановна", BirthDate: "1985-03-03", Phones: []string{"+79005550000"}, Workplace: "больница", CardNumber: "K-2",
			Custom: map[string]any{"size": "L"}, Consents: crm.Consents{Mailings: map[string]crm.Consent{"sms": {Given: true}}}}, true)
		if err != nil {
			t.Fatal(err)
		}
		appeal, err := f.s.Appeals.CreateAppeal(f.ctx, f.sys, crm.AppealInput{MemberID: drop.ID, UnitID: f.a2.ID, Subject: "Материальная помощь"})
		if err != nil {
			t.Fatal(err)
		}
		sec := f.chairA
		sec.Role = access.Secretary

		// Bad choices change nothing.
		for _, bad := range []crm.MergeChoices{{"given_name": "other"}, {"password": "drop"}, {"surname": "both"}} {
			if _, err := f.s.Members.MergeMembersChoosing(f.ctx, sec, keep.ID, drop.ID, bad); !valid.Is(err) {
				t.Errorf("choices %v: %v, want a validation error", bad, err)
			}
		}
		// A card outside the scope: refused, in the catalogue's words, and
		// both cards stay.
		other := f.add(t, crm.MemberInput{UnitID: f.b1.ID, Surname: "Кузнецова", GivenName: "Ольга", BirthDate: "1985-03-04"})
		for _, ids := range [][2]string{{keep.ID, other.ID}, {other.ID, keep.ID}} {
			_, err := f.s.Members.MergeMembersChoosing(f.ctx, sec, ids[0], ids[1], nil)
			r, ok := valid.AsRefusal(err)
			if !errors.Is(err, db.ErrNotFound) || !ok || r.Key != "merge_out_of_scope" {
				t.Errorf("merge %v across scopes: %v", ids, err)
			}
		}
		if _, err := f.s.Members.GetMember(f.ctx, f.sys, other.ID); err != nil {
			t.Errorf("the card out of scope is gone: %v", err)
		}

		m, err := f.s.Members.MergeMembersChoosing(f.ctx, sec, keep.ID, drop.ID, crm.MergeChoices{
			"given_name": "drop", "workplace": "keep", "card_number": "drop", "phones": "keep", "unit_id": "drop", "custom.size": "drop"})
		if err != nil {
			t.Fatal(err)
		}
		if m.GivenName != "Ольга" || m.Patronymic != "Ивановна" || m.Workplace != "школа" || m.CardNumber != "K-2" ||
			!slices.Equal(m.Phones, []string{"+79001112233"}) || m.UnitID != f.a2.ID || m.UnitName != "ППО больницы" ||
			m.Custom["size"] != "L" || !m.Consents.Mailings["sms"].Given {
			t.Errorf("merged card = %+v", m)
		}
		stored, err := f.s.Members.GetMember(f.ctx, f.sys, keep.ID)
		if err != nil || stored.GivenName != "Ольга" || stored.CardNumber != "K-2" || stored.UnitID != f.a2.ID {
			t.Errorf("stored card = %+v, %v", stored, err)
		}
		if _, err := f.s.Members.GetMember(f.ctx, f.sys, drop.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("the dropped card remains: %v", err)
		}
		if a, err := f.s.Appeals.GetAppeal(f.ctx, f.sys, appeal.ID); err != nil || a.MemberID != keep.ID {
			t.Errorf("the appeal points at %q, %v", a.MemberID, err)
		}
		// The survivor's history holds the dropped card's, marked with its name.
		events, err := f.s.Cards.MemberHistory(f.ctx, f.sys, keep.ID)
		if err != nil {
			t.Fatal(err)
		}
		var own, brought, merged int
		for _, e := range events {
			switch {
			case e.From == "Кузнецова Ольга Ивановна":
				brought++
			case e.From == "" && e.Action == "merge":
				merged++
			case e.From == "":
				own++
			}
		}
		if own != 1 || merged != 1 || brought < 2 {
			t.Errorf("history: own %d, merge %d, brought %d: %+v", own, merged, brought, events)
		}
	})
}
