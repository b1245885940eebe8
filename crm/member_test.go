package crm_test

import (
	"context"
	"errors"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/org"
)

// fixture: federation → committee A → primaries A1, A2; committee B → B1.
type fixture struct {
	d                  *db.DB
	s                  *crm.Services
	sys                access.Scope
	fed, a, a1, a2, b1 org.Unit
	opA1, opA2, chairA access.Scope
	ctx                context.Context
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	o := org.NewStore(d)
	sys := access.System("test")
	must := func(u org.Unit, err error) org.Unit {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f := &fixture{d: d, s: crm.New(crm.Deps{DB: d}), ctx: ctx}
	f.fed = must(o.CreateUnit(ctx, sys, "", org.Federation, "Федерация"))
	sys.UnitID = f.fed.ID
	f.sys = sys
	f.a = must(o.CreateUnit(ctx, sys, f.fed.ID, org.Committee, "Обком А"))
	f.a1 = must(o.CreateUnit(ctx, sys, f.a.ID, org.Primary, "ППО школы № 1"))
	f.a2 = must(o.CreateUnit(ctx, sys, f.a.ID, org.Primary, "ППО больницы"))
	b := must(o.CreateUnit(ctx, sys, f.fed.ID, org.Committee, "Обком Б"))
	f.b1 = must(o.CreateUnit(ctx, sys, b.ID, org.Primary, "ППО завода"))
	scope := func(role access.Role, u org.Unit) access.Scope {
		return access.Scope{UserID: "u-" + string(role) + u.ID, UserName: string(role), Role: role, UnitID: u.ID, UnitPath: u.Path, From: "test"}
	}
	f.opA1, f.opA2, f.chairA = scope(access.Operator, f.a1), scope(access.Operator, f.a2), scope(access.Chairman, f.a)
	return f
}

func (f *fixture) add(t *testing.T, in crm.MemberInput) crm.Member {
	t.Helper()
	m, err := f.s.Members.CreateMember(f.ctx, f.sys, in, false)
	if err != nil {
		t.Fatalf("create %s: %v", in.Surname, err)
	}
	return m
}

func TestMemberCreateGetUpdate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		m := f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: " Семёнов ", GivenName: "Пётр", Patronymic: "Ильич",
			BirthDate: "1980-05-14", Phones: []string{"8 (912) 345-67-89"}, Emails: []string{"Semenov@Example.org"},
			CardNumber: "A-100", Activist: true, Flags: []string{"inspector"},
			Consents: crm.Consents{Processing: &crm.Consent{Given: true, Date: "2026-01-10", Source: "заявление"},
				Mailings: map[string]crm.Consent{"sms": {Given: true, Date: "2026-01-10"}}},
			Custom: map[string]any{"size": "L"}})
		if m.FullName != "Семёнов Пётр Ильич" || m.Phones[0] != "+79123456789" || m.Emails[0] != "semenov@example.org" || m.Status != crm.StatusMember {
			t.Fatalf("normalised card = %+v", m)
		}
		got, err := f.s.Members.GetMember(f.ctx, f.opA1, m.ID)
		if err != nil || got.UnitName != "ППО школы № 1" || got.Consents.Mailings["sms"].Date != "2026-01-10" || got.Custom["size"] != "L" {
			t.Fatalf("get = %+v, %v", got, err)
		}
		in := got.MemberInput
		in.Status, in.LeftOn, in.LeftReason, in.UnitID = crm.StatusLeft, "2026-02-01", "увольнение", f.a2.ID
		up, err := f.s.Members.UpdateMember(f.ctx, f.chairA, m.ID, in)
		if err != nil || up.Status != crm.StatusLeft || up.UnitName != "ППО больницы" {
			t.Fatalf("update = %+v, %v", up, err)
		}
		if _, err := f.s.Members.GetMember(f.ctx, f.opA1, m.ID); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("moved member still visible to A1: %v", err)
		}
		rows, err := audit.List(f.ctx, d, f.sys, audit.Filter{ObjectID: m.ID})
		if err != nil || len(rows) != 2 || rows[0].Action != "member.update" {
			t.Fatalf("audit = %+v, %v", rows, err)
		}

		// Validation and conflicts.
		for _, bad := range []crm.MemberInput{
			{UnitID: f.a1.ID},
			{UnitID: f.a1.ID, Surname: "X", BirthDate: "14.05.1980"},
			{UnitID: f.a1.ID, Surname: "X", Phones: []string{"12345"}},
			{UnitID: f.a1.ID, Surname: "X", Emails: []string{"not an address"}},
			{UnitID: f.a1.ID, Surname: "X", Status: "gone"},
			{UnitID: f.a1.ID, Surname: "X", Consents: crm.Consents{Mailings: map[string]crm.Consent{"pigeon": {Given: true}}}},
		} {
			if _, err := f.s.Members.CreateMember(f.ctx, f.sys, bad, true); !valid.Is(err) {
				t.Errorf("create %+v: %v, want a validation error", bad, err)
			}
		}
		if _, err := f.s.Members.CreateMember(f.ctx, f.sys, crm.MemberInput{UnitID: f.b1.ID, Surname: "Другой", CardNumber: "A-100"}, true); !errors.Is(err, db.ErrConflict) {
			t.Errorf("second card A-100: %v", err)
		}
		if _, err := f.s.Members.CreateMember(f.ctx, f.opA1, crm.MemberInput{UnitID: f.b1.ID, Surname: "Чужой"}, true); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("A1's operator created a member in B1: %v", err)
		}
		exec := f.opA1
		exec.Role = access.Executor
		if _, err := f.s.Members.CreateMember(f.ctx, exec, crm.MemberInput{UnitID: f.a1.ID, Surname: "Новый"}, true); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("executor created a member: %v", err)
		}
	})
}

func TestMemberScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		mine := f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Иванов", Phones: []string{"+79000000001"}, CardNumber: "111"})
		theirs := f.add(t, crm.MemberInput{UnitID: f.a2.ID, Surname: "Иванова", Phones: []string{"+79000000002"}, CardNumber: "222",
			Emails: []string{"iv@example.org"}})

		if _, err := f.s.Members.GetMember(f.ctx, f.opA1, theirs.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("get another organisation's member: %v", err)
		}
		in := theirs.MemberInput
		in.UnitID = f.a1.ID
		if _, err := f.s.Members.UpdateMember(f.ctx, f.opA1, theirs.ID, in); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("update another organisation's member: %v", err)
		}
		for _, q := range []string{"", "иванов", "+79000000002", "222", "iv@example.org"} {
			page, err := f.s.Members.ListMembers(f.ctx, f.opA1, crm.MemberFilter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range page.Members {
				if m.ID == theirs.ID {
					t.Errorf("search %q showed another organisation's member", q)
				}
			}
			if q == "" && (page.Total != 1 || page.Members[0].ID != mine.ID) {
				t.Errorf("own list = %+v", page)
			}
		}
		if _, err := f.s.Members.ListMembers(f.ctx, f.opA1, crm.MemberFilter{UnitID: f.a2.ID}); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("filter by another organisation: %v", err)
		}
		var seen []string
		if err := f.s.Members.EachMember(f.ctx, f.opA1, crm.MemberFilter{}, func(m crm.Member) error { seen = append(seen, m.ID); return nil }); err != nil || len(seen) != 1 {
			t.Errorf("export walk = %v, %v", seen, err)
		}
		if _, err := f.s.Members.MergeMembers(f.ctx, f.chairA, mine.ID, theirs.ID); err != nil {
			t.Errorf("chairman of A merges in A: %v", err)
		}
		if _, err := f.s.Organisations.GetOrganisation(f.ctx, f.opA1, f.a2.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("organisation card of another unit: %v", err)
		}
	})
}

func TestMemberSearchAndFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		yes, no := true, false
		f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Семёнов", GivenName: "Пётр", BirthDate: "1980-05-14", Industry: "образование",
			JoinedOn: "2020-01-15", Activist: true, Phones: []string{"89123456789"}, DiscountCard: "PD-77",
			Consents: crm.Consents{Mailings: map[string]crm.Consent{"sms": {Given: true}, "email": {Given: false}}}})
		f.add(t, crm.MemberInput{UnitID: f.a2.ID, Surname: "СЕМЕНОВА", GivenName: "Анна", BirthDate: "1990-11-02", Industry: "здравоохранение",
			JoinedOn: "2024-06-01", Status: crm.StatusSuspended})
		f.add(t, crm.MemberInput{UnitID: f.b1.ID, Surname: "Петров", GivenName: "Семён", BirthDate: "1975-05-30", Industry: "образование",
			Flags: []string{"молодёжный совет"}})
		names := func(fl crm.MemberFilter) []string {
			t.Helper()
			page, err := f.s.Members.ListMembers(f.ctx, f.sys, fl)
			if err != nil {
				t.Fatalf("%+v: %v", fl, err)
			}
			var out []string
			for _, m := range page.Members {
				out = append(out, m.Surname)
			}
			if page.Total != len(out) {
				t.Fatalf("%+v: total %d for %d rows", fl, page.Total, len(out))
			}
			return out
		}
		for _, c := range []struct {
			name string
			fl   crm.MemberFilter
			want []string
		}{
			{"ё typed as е", crm.MemberFilter{Query: "семенов"}, []string{"Семёнов", "СЕМЕНОВА"}},
			{"е stored, ё typed, upper case", crm.MemberFilter{Query: "СЕМЁНОВА"}, []string{"СЕМЕНОВА"}},
			{"given name prefix", crm.MemberFilter{Query: "сем"}, []string{"Петров", "Семёнов", "СЕМЕНОВА"}},
			{"two words", crm.MemberFilter{Query: "Семенов петр"}, []string{"Семёнов"}},
			{"two words, the shorter first", crm.MemberFilter{Query: "петр семенов"}, []string{"Семёнов"}},
			{"given name's start and a surname", crm.MemberFilter{Query: "сем петров"}, []string{"Петров"}},
			{"two words, the second begins no word", crm.MemberFilter{Query: "семенов етр"}, nil},
			{"LIKE wildcards are plain text", crm.MemberFilter{Query: "петров с_м"}, nil},
			{"LIKE percent is plain text", crm.MemberFilter{Query: "петров %"}, nil},
			{"phone in another form", crm.MemberFilter{Query: "+7 (912) 345-67-89"}, []string{"Семёнов"}},
			{"discount card", crm.MemberFilter{Query: "PD-77"}, []string{"Семёнов"}},
			{"committee subtree", crm.MemberFilter{UnitID: f.a.ID}, []string{"Семёнов", "СЕМЕНОВА"}},
			{"name in a subtree", crm.MemberFilter{UnitID: f.a2.ID, Query: "семен"}, []string{"СЕМЕНОВА"}},
			{"name in another subtree", crm.MemberFilter{UnitID: f.b1.ID, Query: "семенова"}, nil},
			{"industry", crm.MemberFilter{Industry: "образование"}, []string{"Петров", "Семёнов"}},
			{"status", crm.MemberFilter{Status: crm.StatusSuspended}, []string{"СЕМЕНОВА"}},
			{"birthday in May", crm.MemberFilter{BirthMonth: 5}, []string{"Петров", "Семёнов"}},
			{"activist", crm.MemberFilter{Activist: &yes}, []string{"Семёнов"}},
			{"not activist", crm.MemberFilter{Activist: &no}, []string{"Петров", "СЕМЕНОВА"}},
			{"flag", crm.MemberFilter{Flag: "молодёжный совет"}, []string{"Петров"}},
			{"sms consent", crm.MemberFilter{Consent: "sms"}, []string{"Семёнов"}},
			{"e-mail consent refused", crm.MemberFilter{Consent: "email"}, nil},
			{"joined between", crm.MemberFilter{JoinedFrom: "2020-01-01", JoinedTo: "2023-12-31"}, []string{"Семёнов"}},
			{"sorted by birth date, newest first", crm.MemberFilter{Sort: "-birth_date"}, []string{"СЕМЕНОВА", "Семёнов", "Петров"}},
			{"committee sorted by joining date, newest first", crm.MemberFilter{UnitID: f.a.ID, Sort: "-joined_on"}, []string{"СЕМЕНОВА", "Семёнов"}},
			{"committee's members by status and joining date", crm.MemberFilter{UnitID: f.a.ID, Status: crm.StatusMember, Sort: "joined_on"}, []string{"Семёнов"}},
		} {
			if got := names(c.fl); !equal(got, c.want) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
		}
		// A search's total is counted from the name words, which follow
		// their member to another organisation.
		moved, _ := f.s.Members.ListMembers(f.ctx, f.sys, crm.MemberFilter{Query: "семенова"})
		in := moved.Members[0].MemberInput
		in.UnitID = f.b1.ID
		if _, err := f.s.Members.UpdateMember(f.ctx, f.sys, moved.Members[0].ID, in); err != nil {
			t.Fatal(err)
		}
		if got := names(crm.MemberFilter{UnitID: f.b1.ID, Query: "семен"}); !equal(got, []string{"Петров", "СЕМЕНОВА"}) {
			t.Errorf("after the move: %v", got)
		}
		if page, err := f.s.Members.ListMembers(f.ctx, f.opA1, crm.MemberFilter{Query: "семен"}); err != nil || page.Total != 1 {
			t.Errorf("an operator's search counts %d, %v", page.Total, err)
		}
		page, err := f.s.Members.ListMembers(f.ctx, f.sys, crm.MemberFilter{Limit: 2, Offset: 2})
		if err != nil || page.Total != 3 || len(page.Members) != 1 {
			t.Errorf("second page = %d of %d, %v", len(page.Members), page.Total, err)
		}
		if _, err := f.s.Members.ListMembers(f.ctx, f.sys, crm.MemberFilter{Sort: "password"}); !valid.Is(err) {
			t.Errorf("unknown sort: %v", err)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDuplicatesAndMerge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		orig := f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Кузнецова", GivenName: "Ольга", BirthDate: "1985-03-03",
			Phones: []string{"+79001112233"}, Emails: []string{"olga@example.org"}, CardNumber: "K-1"})
		for name, in := range map[string]crm.MemberInput{
			"same phone":            {UnitID: f.a2.ID, Surname: "Иная", Phones: []string{"8 900 111 22 33"}},
			"same e-mail":           {UnitID: f.a2.ID, Surname: "Иная", Emails: []string{"OLGA@example.org"}},
			"same name, birth date": {UnitID: f.a2.ID, Surname: "кузнецова", GivenName: "ольга", BirthDate: "1985-03-03"},
		} {
			_, err := f.s.Members.CreateMember(f.ctx, f.chairA, in, false)
			var dup *crm.DuplicateError
			if !errors.As(err, &dup) || len(dup.Candidates) != 1 || dup.Candidates[0].ID != orig.ID || !errors.Is(err, db.ErrConflict) {
				t.Errorf("%s: %v", name, err)
			}
		}
		// Out of scope, a duplicate is not shown (nor refused).
		if _, err := f.s.Members.CreateMember(f.ctx, f.sys, crm.MemberInput{UnitID: f.b1.ID, Surname: "Кузнецова", GivenName: "Ольга", BirthDate: "1985-03-03"}, false); err == nil {
			t.Errorf("the system scope sees the duplicate: want refusal")
		}
		opB := access.Scope{UserName: "opb", Role: access.Operator, UnitID: f.b1.ID, UnitPath: f.b1.Path}
		if _, err := f.s.Members.CreateMember(f.ctx, opB, crm.MemberInput{UnitID: f.b1.ID, Surname: "Иная", Phones: []string{"+79001112233"}}, false); err != nil {
			t.Errorf("B's operator refused over A's member: %v", err)
		}

		second, err := f.s.Members.CreateMember(f.ctx, f.chairA, crm.MemberInput{UnitID: f.a2.ID, Surname: "Кузнецова", GivenName: "Ольга",
			Patronymic: "Ивановна", BirthDate: "1985-03-03", Phones: []string{"+79005550000"}, Workplace: "больница", DiscountCard: "PD-9",
			Consents: crm.Consents{Mailings: map[string]crm.Consent{"telegram": {Given: true}}}}, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Members.MergeMembers(f.ctx, f.opA1, orig.ID, second.ID); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("operator merged: %v", err)
		}
		if _, err := f.s.Members.MergeMembers(f.ctx, f.chairA, orig.ID, orig.ID); !valid.Is(err) {
			t.Errorf("merge with itself: %v", err)
		}
		// The hub registers inbox.MemberLinks; the CRM knows no inbox table.
		f.s.MemberLinks.RegisterMemberReferrer("inbox_contacts", db.RefColumn{Table: "inbox_contacts", Column: "member_id", Stamp: "updated_at"})
		if _, err := d.ExecContext(f.ctx, `INSERT INTO inbox_contacts (id, member_id, created_at, updated_at) VALUES ('c1', $1, 1, 1)`, second.ID); err != nil {
			t.Fatal(err)
		}
		m, err := f.s.Members.MergeMembers(f.ctx, f.chairA, orig.ID, second.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Patronymic != "Ивановна" || m.Workplace != "больница" || m.CardNumber != "K-1" || m.DiscountCard != "PD-9" ||
			len(m.Phones) != 2 || !m.Consents.Mailings["telegram"].Given || m.UnitID != f.a1.ID {
			t.Errorf("merged card = %+v", m)
		}
		if _, err := f.s.Members.GetMember(f.ctx, f.sys, second.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("dropped card still there: %v", err)
		}
		var linked string
		if err := d.QueryRowContext(f.ctx, `SELECT member_id FROM inbox_contacts WHERE id = 'c1'`).Scan(&linked); err != nil || linked != orig.ID {
			t.Errorf("inbox contact linked to %q, %v", linked, err)
		}
		page, err := f.s.Members.ListMembers(f.ctx, f.sys, crm.MemberFilter{Query: "89005550000"})
		if err != nil || page.Total != 1 || page.Members[0].ID != orig.ID {
			t.Errorf("merged phone search = %+v, %v", page, err)
		}
		rows, _ := audit.List(f.ctx, d, f.sys, audit.Filter{ObjectID: second.ID})
		if len(rows) == 0 || rows[0].Action != "member.merged_away" {
			t.Errorf("merge audit = %+v", rows)
		}
	})
}

func TestOrganisationCard(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Один"})
		f.add(t, crm.MemberInput{UnitID: f.a2.ID, Surname: "Два"})
		f.add(t, crm.MemberInput{UnitID: f.a2.ID, Surname: "Вышел", Status: crm.StatusLeft})
		o, err := f.s.Organisations.GetOrganisation(f.ctx, f.chairA, f.a.ID)
		if err != nil || o.Members != 2 || o.UnitName != "Обком А" || o.FullName != "" {
			t.Fatalf("empty card = %+v, %v", o, err)
		}
		o, err = f.s.Organisations.UpdateOrganisation(f.ctx, f.chairA, f.a.ID, crm.OrganisationInput{FullName: "Областной комитет  профсоюза",
			Industry: "образование", Email: "OBKOM@example.org", Custom: map[string]any{"inn": "7700000000"}})
		if err != nil || o.FullName != "Областной комитет профсоюза" || o.Email != "obkom@example.org" {
			t.Fatalf("update = %+v, %v", o, err)
		}
		got, err := f.s.Organisations.GetOrganisation(f.ctx, f.opA1, f.a1.ID)
		if err != nil || got.Members != 1 {
			t.Fatalf("A1 card = %+v, %v", got, err)
		}
		if got, _ := f.s.Organisations.GetOrganisation(f.ctx, f.chairA, f.a.ID); got.Custom["inn"] != "7700000000" || got.Industry != "образование" {
			t.Errorf("stored card = %+v", got)
		}
		if _, err := f.s.Organisations.UpdateOrganisation(f.ctx, f.opA1, f.a.ID, crm.OrganisationInput{}); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("A1's operator edited the committee's card: %v", err)
		}
	})
}
