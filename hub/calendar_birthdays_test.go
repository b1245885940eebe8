package hub_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// Asked for, the calendar shows the birthdays of the union members in
// the caller's scope, for congratulations: current members of their
// units only, not another committee's, nor one who has left.
func TestMembersBirthdaysInScope(t *testing.T) {
	ctx := context.Background()
	n := hubtest.Start(t)
	a := n.AddUnit(t, "", org.Committee, "Обком А")
	pa := n.AddUnit(t, a.ID, org.Primary, "ППО завода")
	b := n.AddUnit(t, "", org.Committee, "Обком Б")
	pb := n.AddUnit(t, b.ID, org.Primary, "ППО школы")
	n.AddUser(t, "bd.chair", access.Chairman, a.ID, "password-bd")
	card := func(unit, surname, born string, st crm.Status) crm.Member {
		in := crm.MemberInput{UnitID: unit, Surname: surname, GivenName: "Ольга", Patronymic: "Петровна", BirthDate: born, Status: st}
		if st == crm.StatusLeft {
			in.LeftOn = "2026-01-15"
		}
		m, err := n.CRM.Members.CreateMember(ctx, n.System, in, true)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	ours := card(pa.ID, "Жукова", "1980-12-07", crm.StatusMember)
	card(pa.ID, "Лисицына", "1981-11-30", crm.StatusMember) // another month
	card(pa.ID, "Ушедшая", "1982-12-09", crm.StatusLeft)
	card(pb.ID, "Чужая", "1983-12-10", crm.StatusMember)

	br := n.NewBrowser(t)
	if resp := br.Login(t, "bd.chair", "password-bd"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login = %d", resp.StatusCode)
	}
	type answer struct {
		MemberBirthdays *[]struct {
			MemberID, Name, Date string
			Age                  int
		} `json:"member_birthdays"`
		More bool `json:"member_birthdays_more"`
	}
	get := func(q string) answer {
		code, body := br.Do(t, "GET", "/api/v1/calendar/occurrences?from=2026-11-30&to=2027-01-01"+q, "")
		var out answer
		if err := json.Unmarshal([]byte(body), &out); code != http.StatusOK || err != nil {
			t.Fatalf("occurrences%s = %d %s", q, code, body)
		}
		return out
	}
	if got := get(""); got.MemberBirthdays != nil {
		t.Errorf("members' birthdays without asking: %+v", *got.MemberBirthdays)
	}
	got := get("&members=1")
	if got.MemberBirthdays == nil || got.More {
		t.Fatalf("members' birthdays = %+v", got)
	}
	var dates []string
	for _, m := range *got.MemberBirthdays {
		dates = append(dates, m.Name+" "+m.Date)
		if m.MemberID == ours.ID && (m.Date != "2026-12-07" || m.Age != 46) {
			t.Errorf("Жукова's birthday %+v", m)
		}
	}
	if len(dates) != 2 || dates[0] != "Лисицына Ольга Петровна 2026-11-30" && dates[1] != "Лисицына Ольга Петровна 2026-11-30" {
		t.Errorf("birthdays %v, want Жукова's and Лисицына's only", dates)
	}
}
