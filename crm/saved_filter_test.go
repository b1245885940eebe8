package crm_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

func TestSavedFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Ильина", Activist: true})
		f.add(t, crm.MemberInput{UnitID: f.a2.ID, Surname: "Ильин", Activist: true})
		f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Петров"})
		yes := true

		mine, err := f.s.SavedFilters.SaveFilter(f.ctx, f.opA1, " Мои  активисты ", false, crm.MemberFilter{Activist: &yes, Limit: 3})
		if err != nil || mine.Name != "Мои активисты" || mine.Filter.Limit != 0 {
			t.Fatalf("save = %+v, %v", mine, err)
		}
		shared, err := f.s.SavedFilters.SaveFilter(f.ctx, f.chairA, "Ильины обкома", true, crm.MemberFilter{Query: "ильин"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.SavedFilters.SaveFilter(f.ctx, f.opA1, "x", false, crm.MemberFilter{UnitID: f.b1.ID}); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("a filter on another's organisation = %v", err)
		}

		// The owner and the primary organisations below a shared filter's
		// unit see it; another organisation sees neither private filter.
		list, err := f.s.SavedFilters.SavedFilters(f.ctx, f.opA1)
		if err != nil || len(list) != 2 || list[0].ID != mine.ID || !list[0].Mine || list[1].ID != shared.ID || list[1].Mine {
			t.Fatalf("operator's filters = %+v, %v", list, err)
		}
		if list, _ := f.s.SavedFilters.SavedFilters(f.ctx, f.opA2); len(list) != 1 || list[0].ID != shared.ID {
			t.Errorf("neighbour's filters = %+v", list)
		}
		opB1 := access.Scope{UserID: "u-b1", Role: access.Operator, UnitID: f.b1.ID, UnitPath: f.b1.Path}
		if list, _ := f.s.SavedFilters.SavedFilters(f.ctx, opB1); len(list) != 0 {
			t.Errorf("another committee's filters = %+v", list)
		}
		if _, err := f.s.SavedFilters.SavedFilter(f.ctx, f.opA2, mine.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("another's private filter = %v", err)
		}

		// Another package loads a filter by id and runs it in its caller's scope.
		mf, err := f.s.SavedFilters.SavedFilter(f.ctx, f.opA1, shared.ID)
		if err != nil {
			t.Fatal(err)
		}
		page, err := f.s.Members.ListMembers(f.ctx, f.opA1, mf)
		if err != nil || page.Total != 1 || page.Members[0].Surname != "Ильина" {
			t.Errorf("shared filter run by the operator = %+v, %v", page, err)
		}
		if page, _ := f.s.Members.ListMembers(f.ctx, f.chairA, mf); page.Total != 2 {
			t.Errorf("shared filter run by the chairman = %d", page.Total)
		}

		// Over HTTP: save from the list's query string, run by filter_id.
		code, out := f.call(t, f.opA1, "POST", "/api/v1/crm/filters", `{"name":"Активисты","query":"activist=true&sort=-joined_on"}`)
		if code != http.StatusCreated {
			t.Fatalf("save over HTTP = %d %s", code, out)
		}
		if code, out := f.call(t, f.opA1, "POST", "/api/v1/crm/filters", `{"name":"x","query":"activist=maybe"}`); code != http.StatusUnprocessableEntity {
			t.Errorf("bad filter = %d %s", code, out)
		}
		code, out = f.call(t, f.opA2, "GET", "/api/v1/crm/members?filter_id="+shared.ID, "")
		if code != http.StatusOK || !strings.Contains(string(out), `"total":1`) || !strings.Contains(string(out), "Ильин") {
			t.Errorf("run shared filter = %d %s", code, out)
		}
		if code, _ := f.call(t, f.opA2, "DELETE", "/api/v1/crm/filters/"+shared.ID, ""); code != http.StatusForbidden {
			t.Errorf("operator deleting the chairman's filter = %d", code)
		}
		if code, _ := f.call(t, f.opA2, "DELETE", "/api/v1/crm/filters/"+mine.ID, ""); code != http.StatusNotFound {
			t.Errorf("deleting another's private filter = %d", code)
		}
		if code, _ := f.call(t, f.opA1, "DELETE", "/api/v1/crm/filters/"+mine.ID, ""); code != http.StatusNoContent {
			t.Errorf("owner's delete = %d", code)
		}
	})
}
