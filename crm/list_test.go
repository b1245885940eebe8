package crm_test

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

func TestAwardsList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		admin := f.sys
		admin.UserID = "admin"
		if _, err := f.s.Lists.CreateList(f.ctx, f.opA1, crm.AwardsList()); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("operator defining a list = %v", err)
		}
		code, out := f.call(t, admin, "POST", "/api/v1/crm/lists", `{"template":"awards"}`)
		if code != http.StatusCreated {
			t.Fatalf("awards list = %d %s", code, out)
		}
		lists, err := f.s.Lists.Lists(f.ctx, f.opA1)
		if err != nil || len(lists) != 1 || lists[0].Name != "Награды" {
			t.Fatalf("lists seen below the federation = %+v, %v", lists, err)
		}
		awards := lists[0]
		m := f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Ёлкина", GivenName: "Вера", CardNumber: "77-1"})
		other := f.add(t, crm.MemberInput{UnitID: f.b1.ID, Surname: "Заводской", CardNumber: "77-2"})

		rec, err := f.s.Lists.AddRecord(f.ctx, f.opA1, awards.ID, "", map[string]any{"year": "2026", "member": m.ID,
			"award": "почётная грамота федерации", "gift": "5 000,50", "reason": "=HYPERLINK(\"http://evil\",\"x\")"})
		if err != nil || rec.UnitID != f.a1.ID || rec.Values["award"] != "Почётная грамота Федерации" || rec.Values["gift"] != 5000.5 ||
			rec.Labels["member"] != "Ёлкина Вера" {
			t.Fatalf("record = %+v, %v", rec, err)
		}
		for _, bad := range []map[string]any{
			{"year": "2026", "award": "Почётная грамота Федерации"},                                       // no member
			{"year": "20", "member": m.ID, "award": "Почётная грамота Федерации"},                         // bad year
			{"year": "2026", "member": m.ID, "award": "Орден"},                                            // not a choice
			{"year": "2026", "member": other.ID, "award": "Почётная грамота Федерации"},                   // out of scope
			{"year": "2026", "member": m.ID, "award": "Почётная грамота Федерации", "colour": "зелёный"},  // no such field
			{"year": "2026", "member": m.ID, "award": "Почётная грамота Федерации", "gift": "пять тысяч"}, // not money
		} {
			if _, err := f.s.Lists.AddRecord(f.ctx, f.opA1, awards.ID, "", bad); err == nil {
				t.Errorf("bad record %v accepted", bad)
			}
		}
		// Editing replaces the values, checked as on adding; the neighbour
		// cannot reach the record, an executor may not edit, and the change
		// is audited by key.
		code, out = f.call(t, f.opA1, "PATCH", "/api/v1/crm/lists/"+awards.ID+"/records/"+rec.ID,
			`{"values":{"year":"2025","member":"`+m.ID+`","award":"Почётная грамота Федерации","gift":"1000","reason":"=HYPERLINK(\"http://evil\",\"x\")"}}`)
		if code != http.StatusOK || !strings.Contains(string(out), `"gift":1000`) || !strings.Contains(string(out), `"year":2025`) {
			t.Fatalf("record edit = %d %s", code, out)
		}
		if code, out := f.call(t, f.opA1, "PATCH", "/api/v1/crm/lists/"+awards.ID+"/records/"+rec.ID,
			`{"values":{"year":"2025","member":"`+m.ID+`","award":"Орден"}}`); code != http.StatusUnprocessableEntity || !strings.Contains(string(out), "award") {
			t.Errorf("bad edit = %d %s", code, out)
		}
		if code, out := f.call(t, f.opA1, "PATCH", "/api/v1/crm/lists/"+awards.ID+"/records/"+rec.ID, `{"values":`); code != http.StatusUnprocessableEntity || !strings.Contains(string(out), "malformed JSON") {
			t.Errorf("malformed edit = %d %s", code, out)
		}
		if _, err := f.s.Lists.UpdateRecord(f.ctx, f.opA2, awards.ID, rec.ID, "", map[string]any{"year": "2025", "member": m.ID, "award": "Благодарность обкома"}); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("neighbour's edit = %v", err)
		}
		if _, err := f.s.Lists.UpdateRecord(f.ctx, f.opA1, awards.ID, "no-such-record", "", map[string]any{}); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("edit of an unknown record = %v", err)
		}
		exec := f.opA1
		exec.Role = access.Executor
		if _, err := f.s.Lists.UpdateRecord(f.ctx, exec, awards.ID, rec.ID, "", map[string]any{}); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("executor's edit = %v", err)
		}
		var details string
		if err := d.QueryRowContext(f.ctx, `SELECT details FROM audit_log WHERE action = 'list.record_update' AND object_id = $1`, rec.ID).Scan(&details); err != nil ||
			!strings.Contains(details, "gift") || !strings.Contains(details, "year") || strings.Contains(details, "award") {
			t.Errorf("audit of the edit = %q, %v", details, err)
		}

		// Scope: the neighbouring organisation sees the list but not the record.
		if _, page, err := f.s.Lists.Records(f.ctx, f.opA2, awards.ID, crm.RecordFilter{}); err != nil || page.Total != 0 {
			t.Errorf("neighbour's records = %+v, %v", page, err)
		}
		if _, page, _ := f.s.Lists.Records(f.ctx, f.chairA, awards.ID, crm.RecordFilter{Query: "ЕЛКИНА"}); page.Total != 1 {
			t.Errorf("chairman's search = %+v", page)
		}

		// Import a messy file: title row, an empty row, a member by card and by name, errors.
		x := excelize.NewFile()
		sh := x.GetSheetName(0)
		rows := [][]any{
			{"Реестр награждённых"},
			{"Год награждения", "ФИО", "Наименование награды", "Денежный подарок, ₽", "Обоснование"},
			{2025, "77-1", "Благодарность обкома", 1000, "+стаж 20 лет"},
			{},
			{2024, "ёлкина вера", "Благодарность Федерации", "", "@SUM(A1)"},
			{2024, "Заводской", "Благодарность Федерации", "", ""},
			{"двадцать", "77-1", "Благодарность Федерации", "", ""},
		}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			_ = x.SetSheetRow(sh, cell, &r)
		}
		var buf bytes.Buffer
		_ = x.Write(&buf)
		rep, err := f.s.Lists.ImportRecords(f.ctx, f.opA1, awards.ID, &buf, "xlsx")
		if err != nil || rep.Created != 2 || rep.Skipped != 1 || rep.Errors != 2 {
			t.Fatalf("import = %+v, %v", rep, err)
		}

		// The export is the operator's three records, with no formula anywhere.
		var xb bytes.Buffer
		if err := f.s.Lists.WriteRecordsXLSX(f.ctx, &xb, f.opA1, awards.ID, crm.RecordFilter{}); err != nil {
			t.Fatal(err)
		}
		got, err := excelize.OpenReader(&xb)
		if err != nil {
			t.Fatal(err)
		}
		all, _ := got.GetRows(got.GetSheetName(0))
		if len(all) != 4 {
			t.Fatalf("export rows = %v", all)
		}
		text := ""
		for r, row := range all {
			for c := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if fm, _ := got.GetCellFormula(got.GetSheetName(0), cell); fm != "" {
					t.Errorf("cell %s is a formula: %s", cell, fm)
				}
			}
			text += strings.Join(row, "|") + "\n"
		}
		for _, want := range []string{"'=HYPERLINK", "'+стаж", "'@SUM", "Ёлкина Вера"} {
			if !strings.Contains(text, want) {
				t.Errorf("export lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "Заводской") {
			t.Errorf("export shows another organisation's member:\n%s", text)
		}
	})
}
