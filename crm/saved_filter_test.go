package crm_test

import (
	"encoding/json"
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

// Renaming and sharing: only the owner does either; a shared filter is
// seen (and run by id) inside the owner's unit subtree and nowhere else;
// a private one by its owner alone.
func TestSavedFilterRenameAndShare(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Ильина", Activist: true})
		f.add(t, crm.MemberInput{UnitID: f.a2.ID, Surname: "Ильин"})
		f.add(t, crm.MemberInput{UnitID: f.b1.ID, Surname: "Ильинский", Activist: true})
		yes := true
		secA := access.Scope{UserID: "u-sec-a", Role: access.Secretary, UnitID: f.a.ID, UnitPath: f.a.Path}
		colleagueA1 := access.Scope{UserID: "u-op2-a1", Role: access.Operator, UnitID: f.a1.ID, UnitPath: f.a1.Path}
		opB1 := access.Scope{UserID: "u-b1", Role: access.Operator, UnitID: f.b1.ID, UnitPath: f.b1.Path}
		sees := func(sc access.Scope, id string) bool {
			t.Helper()
			list, err := f.s.SavedFilters.SavedFilters(f.ctx, sc)
			if err != nil {
				t.Fatal(err)
			}
			listed := false
			for _, x := range list {
				listed = listed || x.ID == id
			}
			_, err = f.s.SavedFilters.SavedFilter(f.ctx, sc, id)
			if opened := err == nil; opened != listed {
				t.Fatalf("listed %v but opened by id: %v", listed, err)
			}
			return listed
		}

		sf, err := f.s.SavedFilters.SaveFilter(f.ctx, secA, "Ильины", false, crm.MemberFilter{Query: "ильин", Activist: &yes, Sort: "-joined_on"})
		if err != nil {
			t.Fatal(err)
		}
		if sf.Query != "activist=true&q=%D0%B8%D0%BB%D1%8C%D0%B8%D0%BD&sort=-joined_on" {
			t.Errorf("the filter as a list query = %q", sf.Query)
		}
		if sees(f.opA1, sf.ID) || sees(f.chairA, sf.ID) || !sees(secA, sf.ID) {
			t.Fatal("a private filter is seen by its owner alone")
		}
		if _, err := f.s.SavedFilters.UpdateSavedFilter(f.ctx, f.chairA, sf.ID, crm.SavedFilterChange{Name: ptr("Чужое")}); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("renaming another's private filter = %v", err)
		}

		// Shared with the committee's subtree, under a new name.
		up, err := f.s.SavedFilters.UpdateSavedFilter(f.ctx, secA, sf.ID, crm.SavedFilterChange{Name: ptr("  Ильины   обкома "), Shared: &yes})
		if err != nil || up.Name != "Ильины обкома" || !up.Shared || up.Query != sf.Query || !up.Mine {
			t.Fatalf("rename and share = %+v, %v", up, err)
		}
		for name, sc := range map[string]access.Scope{"operator of A1": f.opA1, "another of A1": colleagueA1, "operator of A2": f.opA2, "chairman of A": f.chairA} {
			if !sees(sc, sf.ID) {
				t.Errorf("%s does not see the shared filter", name)
			}
		}
		if sees(opB1, sf.ID) {
			t.Error("another committee sees the shared filter")
		}
		if code, out := f.call(t, opB1, "GET", "/api/v1/crm/members?filter_id="+sf.ID, ""); code != http.StatusNotFound {
			t.Errorf("another committee runs the shared filter by id = %d %s", code, out)
		}
		// Run inside A1 it selects within A1 only.
		code, out := f.call(t, f.opA1, "GET", "/api/v1/crm/members?filter_id="+sf.ID, "")
		if code != http.StatusOK || !strings.Contains(string(out), `"total":1`) || !strings.Contains(string(out), "Ильина") {
			t.Errorf("the shared filter run in A1 = %d %s", code, out)
		}

		// Only the owner renames or shares; a bad name changes nothing.
		if code, out := f.call(t, f.opA1, "PATCH", "/api/v1/crm/filters/"+sf.ID, `{"name":"Моё"}`); code != http.StatusForbidden {
			t.Errorf("a colleague's rename = %d %s", code, out)
		}
		if _, err := f.s.SavedFilters.UpdateSavedFilter(f.ctx, f.chairA, sf.ID, crm.SavedFilterChange{Shared: new(bool)}); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("the chairman unsharing it = %v", err)
		}
		for _, bad := range []string{`{"name":"   "}`, `{"name":"` + strings.Repeat("я", 201) + `"}`} {
			if code, out := f.call(t, secA, "PATCH", "/api/v1/crm/filters/"+sf.ID, bad); code != http.StatusUnprocessableEntity {
				t.Errorf("rename to %.20s = %d %s", bad, code, out)
			}
		}
		code, out = f.call(t, secA, "PATCH", "/api/v1/crm/filters/"+sf.ID, `{"name":"Ильины и Ильина"}`)
		if code != http.StatusOK || !strings.Contains(string(out), `"name":"Ильины и Ильина"`) || !strings.Contains(string(out), `"shared":true`) {
			t.Errorf("rename over HTTP = %d %s", code, out)
		}

		// A copy saved from the list's query by filter_id keeps the filter.
		code, out = f.call(t, f.opA1, "POST", "/api/v1/crm/filters", `{"name":"Копия","query":"filter_id=`+sf.ID+`&q=ignored"}`)
		var cp crm.SavedFilter
		if err := json.Unmarshal(out, &cp); code != http.StatusCreated || err != nil || cp.Query != sf.Query || !cp.Mine || cp.ID == sf.ID {
			t.Errorf("copy of a shared filter = %d %s", code, out)
		}

		// Unshared: the colleagues lose it.
		if _, err := f.s.SavedFilters.UpdateSavedFilter(f.ctx, secA, sf.ID, crm.SavedFilterChange{Shared: new(bool)}); err != nil {
			t.Fatal(err)
		}
		if sees(f.opA1, sf.ID) || sees(f.opA2, sf.ID) || !sees(secA, sf.ID) {
			t.Error("an unshared filter is still seen by others")
		}
	})
}

func ptr(s string) *string { return &s }
