package crm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// messyXLSX has a title row merged across the columns, an empty row, dates
// as Excel serials and as text, and a phone repeated on two rows.
func messyXLSX(t *testing.T, units ...string) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	sh := x.GetSheetName(0)
	set := func(cell string, v any) {
		if err := x.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	rows := [][]any{
		{"ФИО", "Дата рождения", "Телефон", "№ профбилета", "Организация", "Активист", "Пол"},
		{"Семёнов Пётр Ильич", 29355, "8 (912) 345-67-89", 1001, units[0], "да", "муж"}, // 1980-05-14 as a serial
		{}, // empty row
		{"Иванова Анна", "02.11.1990", "+7 900 000-00-01; 8-900-000-00-02", "1002", units[1], "", "Ж"}, // two phones in a cell
		{"Петров Семён", "1975-05-30", "89123456789", "", units[0], "", ""},                            // same phone as row 2: updates Семёнов
		{"Без Даты", "31 мая", "", "", units[0], "", ""},                                               // bad date
		{"Чужой Член", "", "", "", units[2], "", ""},                                                   // organisation outside scope
	}
	set("A1", "Реестр членов профсоюза")
	if err := x.MergeCell(sh, "A1", "G1"); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
			set(cell, v)
		}
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestImportXLSX(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		file := messyXLSX(t, f.a1.Name, f.a2.Name, f.b1.Name)
		dry, err := f.s.Importer.Import(f.ctx, f.chairA, bytes.NewReader(file), crm.ImportOptions{Format: "xlsx", DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if page, _ := f.s.Members.ListMembers(f.ctx, f.sys, crm.MemberFilter{}); page.Total != 0 {
			t.Fatalf("dry run created %d members", page.Total)
		}
		rep, err := f.s.Importer.Import(f.ctx, f.chairA, bytes.NewReader(file), crm.ImportOptions{Format: "xlsx"})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"created", "skipped", "created", "updated", "error", "error"}
		for i, r := range rep.Rows {
			if i >= len(want) || r.Result != want[i] || dry.Rows[i].Result != r.Result {
				t.Errorf("row %d: %+v (dry run %+v), want %s", r.Row, r, dry.Rows[i], want[i])
			}
		}
		if rep.Created != 2 || rep.Updated != 1 || rep.Skipped != 1 || rep.Errors != 2 || rep.Rows[4].Field != "birth_date" || rep.Rows[5].Field != "unit" {
			t.Errorf("report = %+v", rep)
		}
		page, err := f.s.Members.ListMembers(f.ctx, f.sys, crm.MemberFilter{Query: "1001"})
		if err != nil || page.Total != 1 {
			t.Fatalf("by card = %+v, %v", page, err)
		}
		m := page.Members[0]
		// Row 5 found Семёнов by phone and wrote its non-empty cells over him.
		if m.Surname != "Петров" || m.BirthDate != "1975-05-30" || !m.Activist || m.Sex != "m" || m.CardNumber != "1001" || m.UnitID != f.a1.ID {
			t.Errorf("card 1001 = %+v", m)
		}
		page, _ = f.s.Members.ListMembers(f.ctx, f.sys, crm.MemberFilter{Query: "89000000002"})
		if page.Total != 1 || page.Members[0].BirthDate != "1990-11-02" || page.Members[0].Sex != "f" || len(page.Members[0].Phones) != 2 {
			t.Errorf("Иванова = %+v", page)
		}

		again, err := f.s.Importer.Import(f.ctx, f.chairA, bytes.NewReader(file), crm.ImportOptions{Format: "xlsx"})
		// Row 2 and row 5 describe one card two ways, so it changes on every
		// import; Иванова does not.
		if err != nil || again.Created != 0 || again.Errors != 2 || again.Rows[2].Result != "unchanged" {
			t.Errorf("re-import = %+v, %v", again, err)
		}
	})
}

func TestImportCSVWindows1251(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		text := "Фамилия;Имя;Телефон;Карта;Согласие SMS\r\n" +
			"Кузнецова;Ольга;89001112233;PD-1;да\r\n" +
			";;;;\r\n" +
			"Кузнецова;Ольга;+79001112233;PD-1;да\r\n" +
			"Орлов;Ёжик;12345;;\r\n"
		cp, err := charmap.Windows1251.NewEncoder().String(text)
		if err != nil {
			t.Fatal(err)
		}
		mapping := `{"Фамилия":"surname","Имя":"given_name","Телефон":"phone","Карта":"discount_card","Согласие SMS":"consent_sms"}`
		code, out := f.call(t, f.opA1, "POST", "/api/v1/crm/members/import?format=csv&unit_id="+f.a1.ID+"&mapping="+url.QueryEscape(mapping), cp)
		if code != http.StatusOK {
			t.Fatalf("import = %d %s", code, out)
		}
		for _, want := range []string{`"created":1`, `"unchanged":1`, `"skipped":1`, `"errors":1`, `"field":"phones"`} {
			if !strings.Contains(string(out), want) {
				t.Errorf("report %s lacks %s", out, want)
			}
		}
		page, err := f.s.Members.ListMembers(f.ctx, f.opA1, crm.MemberFilter{Query: "кузнецова", Consent: "sms"})
		if err != nil || page.Total != 1 || page.Members[0].DiscountCard != "PD-1" {
			t.Errorf("imported = %+v, %v", page, err)
		}
		if code, out := f.call(t, f.opA2, "POST", "/api/v1/crm/members/import?format=csv&unit_id="+f.a1.ID, cp); code != http.StatusNotFound {
			t.Errorf("import into another organisation = %d %s", code, out)
		}
	})
}

// TestImportAcrossBatches imports a file of several batches twice, and
// checks the matching rules at their edges: a dry run writes nothing, the
// second import changes nothing, namesakes born the same day with
// different union cards stay two people, a phone two cards share is
// refused as ambiguous, and a union card outside the scope is not taken.
func TestImportAcrossBatches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.add(t, crm.MemberInput{UnitID: f.b1.ID, Surname: "Чужой", CardNumber: "B-1"})
		f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Первый", Phones: []string{"+79990000001"}})
		if _, err := f.s.Members.CreateMember(f.ctx, f.sys, crm.MemberInput{UnitID: f.a1.ID, Surname: "Второй", Phones: []string{"+79990000001"}}, true); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		b.WriteString("Фамилия,Имя,Дата рождения,Телефон,№ профбилета\n")
		for i := range 2100 { // more than a batch (importBatchRows)
			fmt.Fprintf(&b, "Фамилия%d,Имя,01.02.1980,+7912%07d,C-%d\n", i, i, i)
		}
		b.WriteString("Тёзка,Иван,01.01.1970,,T-1\nТёзка,Иван,01.01.1970,,T-2\n") // namesakes
		b.WriteString("Кто-то,,,+79990000001,\n")                                 // ambiguous phone
		b.WriteString("Захватчик,,,,B-1\n")                                       // another's card
		file := b.String()
		path := "/api/v1/crm/members/import?format=csv&unit_id=" + f.a1.ID
		var rep crm.ImportReport
		code, out := f.call(t, f.opA1, "POST", path+"&dry_run=true", file)
		if err := json.Unmarshal(out, &rep); err != nil || code != http.StatusOK || rep.Created != 2102 || !rep.DryRun {
			t.Fatalf("dry run = %d %+v", code, rep.Created)
		}
		if page, _ := f.s.Members.ListMembers(f.ctx, f.opA1, crm.MemberFilter{}); page.Total != 2 {
			t.Fatalf("the dry run wrote: %d cards", page.Total)
		}
		code, out = f.call(t, f.opA1, "POST", path, file)
		rep = crm.ImportReport{}
		if err := json.Unmarshal(out, &rep); err != nil || code != http.StatusOK || rep.Created != 2102 || rep.Errors != 2 || len(rep.Rows) != 2104 {
			t.Fatalf("import = %d created %d errors %d rows %d", code, rep.Created, rep.Errors, len(rep.Rows))
		}
		if r := rep.Rows[2102]; r.Field != "phones" || r.Result != crm.ImportError {
			t.Errorf("ambiguous phone row = %+v", r)
		}
		if r := rep.Rows[2103]; r.Field != "card_number" || r.Result != crm.ImportError {
			t.Errorf("another's card row = %+v", r)
		}
		// New cards are audited in bulk (COPY on PostgreSQL).
		for _, r := range []crm.ImportRow{rep.Rows[0], rep.Rows[2101]} {
			got, err := audit.List(f.ctx, d, f.sys, audit.Filter{ObjectType: "member", ObjectID: r.MemberID})
			if err != nil || len(got) != 1 || got[0].Action != "member.create" || got[0].Details["import"] != true {
				t.Errorf("audit of imported row %d = %+v, %v", r.Row, got, err)
			}
		}
		code, out = f.call(t, f.opA1, "POST", path, file)
		rep = crm.ImportReport{}
		if err := json.Unmarshal(out, &rep); err != nil || code != http.StatusOK || rep.Unchanged != 2102 || rep.Created != 0 || rep.Updated != 0 {
			t.Fatalf("second import = %d unchanged %d created %d updated %d", code, rep.Unchanged, rep.Created, rep.Updated)
		}
		page, err := f.s.Members.ListMembers(f.ctx, f.opA1, crm.MemberFilter{Query: "+7 912 000 20 50"})
		if err != nil || page.Total != 1 || page.Members[0].CardNumber != "C-2050" || page.Members[0].BirthDate != "1980-02-01" {
			t.Errorf("a member of the second batch = %+v, %v", page, err)
		}
		if page, _ := f.s.Members.ListMembers(f.ctx, f.opA1, crm.MemberFilter{Query: "тезка"}); page.Total != 2 {
			t.Errorf("namesakes: %d cards", page.Total)
		}
		if d.Dialect == db.SQLite {
			foreignKeysOnEverywhere(t, d)
		}
	})
}

// foreignKeysOnEverywhere holds every connection of the pool at once and
// checks each enforces foreign keys: an SQLite import turns them off on
// its own connection and must give it back with them on.
func foreignKeysOnEverywhere(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	for range d.Stats().MaxOpenConnections {
		conn, err := d.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var on int
		if err := conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&on); err != nil || on != 1 {
			t.Errorf("a pooled connection has foreign_keys = %d (%v)", on, err)
		}
	}
}
