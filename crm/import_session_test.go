package crm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/web/i18n"
)

func cp1251(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// registryCSV is what Excel in Russia writes: a title line, ';', CRLF,
// Windows-1251, dates in three forms; bad rows are a date and a phone.
func registryCSV(t *testing.T, fixed bool) []byte {
	date, phone := "31 мая", "12345"
	if fixed {
		date, phone = "31.05.1985", "89005556677"
	}
	return cp1251(t, "Реестр членов профсоюза;;;;;\r\n"+
		"Фамилия;Имя;Отчество;Дата рождения;Телефон;№ профбилета\r\n"+
		"Кузнецова;Ольга;Петровна;31.01.1980;89001112233;K-1\r\n"+
		"Орлов;Иван;;1981-02-28;+7 900 111-22-44;K-2\r\n"+
		"Сидоров;Пётр;;"+date+";;K-3\r\n"+
		"Смирнова;Анна;;28/02/1990;"+phone+";K-4\r\n"+
		"Прежний;Новый;;;;K-0\r\n")
}

func TestImportWizard(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tr := func(lang, key string, _ ...any) string {
			if key == "console.imp_err_date" {
				return "Не дата"
			}
			return key
		}
		s := crm.New(crm.Deps{DB: d, Translate: tr})
		old := f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Прежний", GivenName: "Старый", CardNumber: "K-0", Workplace: "Школа"})
		ctx := f.ctx
		plan := crm.ImportPlan{UnitID: f.a1.ID}

		a, err := s.ImportSessions.Upload(ctx, f.opA1, "реестр.csv", registryCSV(t, false))
		if err != nil {
			t.Fatal(err)
		}
		if a.Format != "csv" || a.Encoding != crm.EncodingCP1251 || a.Delimiter != ";" || a.HeaderRow != 2 || a.TitleRows != 1 || a.Rows != 5 {
			t.Fatalf("analysis = %+v", a)
		}
		plan.Mapping = map[string]string{}
		for _, c := range a.Columns {
			plan.Mapping[c.Heading] = c.Field
		}
		want := map[string]string{"Фамилия": "surname", "Имя": "given_name", "Отчество": "patronymic", "Дата рождения": "birth_date",
			"Телефон": "phone", "№ профбилета": "card_number"}
		for h, fld := range want {
			if plan.Mapping[h] != fld {
				t.Errorf("guess for %s = %q, want %s", h, plan.Mapping[h], fld)
			}
		}
		if a.Columns[0].Samples[0] != "Кузнецова" {
			t.Errorf("samples = %q", a.Columns[0].Samples)
		}

		dry, err := s.ImportSessions.DryRun(ctx, f.opA1, a.Session, plan)
		if err != nil {
			t.Fatal(err)
		}
		if len(dry.Problems) != 2 || dry.Problems[0].Row != 5 || dry.Problems[0].Field != "birth_date" || dry.Problems[0].Code != "date" ||
			dry.Problems[1].Row != 6 || dry.Problems[1].Cells[4] != "12345" || dry.Created != 2 || dry.Updated != 1 {
			t.Fatalf("dry run = %+v", dry)
		}
		if page, _ := s.Members.ListMembers(ctx, f.sys, crm.MemberFilter{}); page.Total != 1 {
			t.Fatalf("the dry run wrote: %d cards", page.Total)
		}
		var xb bytes.Buffer
		if err := s.ImportSessions.WriteProblemsXLSX(ctx, &xb, f.opA1, a.Session, "ru"); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&xb)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows(x.GetSheetName(0))
		if len(rows) != 3 || rows[1][0] != "5" || rows[1][2] != "Не дата" || rows[1][6] != "31 мая" || rows[2][7] != "12345" {
			t.Errorf("problems sheet = %q", rows)
		}
		x.Close()
		// Another user does not reach the session.
		if _, err := s.ImportSessions.DryRun(ctx, f.opA2, a.Session, plan); err == nil {
			t.Error("another user's dry run of the session")
		}

		// The secretary fixes the file and uploads it again.
		a, err = s.ImportSessions.Upload(ctx, f.opA1, "реестр.csv", registryCSV(t, true))
		if err != nil {
			t.Fatal(err)
		}
		if dry, err = s.ImportSessions.DryRun(ctx, f.opA1, a.Session, plan); err != nil || len(dry.Problems) != 0 {
			t.Fatalf("fixed dry run = %+v, %v", dry, err)
		}
		b, err := s.ImportSessions.Run(ctx, f.opA1, a.Session, plan)
		if err != nil || b.Status != crm.BatchRunning || b.Total != 5 {
			t.Fatalf("run = %+v, %v", b, err)
		}
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := s.ImportSessions.Wait(wctx); err != nil {
			t.Fatal(err)
		}
		if b, err = s.ImportSessions.Batch(ctx, f.opA1, b.ID); err != nil || b.Status != crm.BatchDone || b.Done != 5 || b.Created != 4 || b.Updated != 1 {
			t.Fatalf("batch = %+v, %v", b, err)
		}
		if _, err := s.ImportSessions.Run(ctx, f.opA1, a.Session, plan); err == nil {
			t.Error("the same upload imported twice")
		}
		if _, err := s.ImportSessions.Batch(ctx, f.opA2, b.ID); err == nil {
			t.Error("a batch of another organisation is visible")
		}
		if _, err := s.ImportBatches.Undo(ctx, f.opA2, b.ID); err == nil {
			t.Error("a batch of another organisation undone")
		}
		page, _ := s.Members.ListMembers(ctx, f.sys, crm.MemberFilter{})
		if page.Total != 5 {
			t.Fatalf("after import: %d cards", page.Total)
		}
		// A card created by the batch and edited since is kept by the undo.
		var edited crm.Member
		for _, m := range page.Members {
			if m.Surname == "Орлов" {
				edited = m
			}
		}
		in := edited.MemberInput
		in.Position = "учитель"
		if _, err := s.Members.UpdateMember(ctx, f.opA1, edited.ID, in); err != nil {
			t.Fatal(err)
		}

		rep, err := s.ImportBatches.Undo(ctx, f.opA1, b.ID)
		if err != nil || rep.Removed != 3 || rep.Restored != 1 || rep.Kept != 1 {
			t.Fatalf("undo = %+v, %v", rep, err)
		}
		page, _ = s.Members.ListMembers(ctx, f.sys, crm.MemberFilter{})
		if page.Total != 2 {
			t.Errorf("after undo: %+v", page.Members)
		}
		back, err := s.Members.GetMember(ctx, f.sys, old.ID)
		if err != nil || back.GivenName != "Старый" || back.Workplace != "Школа" {
			t.Errorf("restored card = %+v, %v", back, err)
		}
		if _, err := s.ImportBatches.Undo(ctx, f.opA1, b.ID); !valid.Is(err) {
			t.Errorf("second undo = %v", err)
		}
		if b, _ = s.ImportSessions.Batch(ctx, f.opA1, b.ID); b.Status != crm.BatchUndone || b.UndoneAt.IsZero() {
			t.Errorf("undone batch = %+v", b)
		}
		entries, err := audit.List(ctx, d, f.sys, audit.Filter{ObjectType: "member_import"})
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		if err != nil || strings.Join(actions, " ") != "member.import_undo member.import" {
			t.Errorf("import audit = %q, %v", actions, err)
		}
	})
}

func TestImportWizardRefusesBadFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		koi8, _ := charmap.KOI8R.NewEncoder().Bytes([]byte("Фамилия;Имя;Телефон\r\nКузнецова;Ольга;89001112233\r\nОрлов;Иван;89001112234\r\n"))
		utf16 := append([]byte{0xFF, 0xFE}, []byte("Ф\x00")...)
		for _, tc := range []struct {
			name, code string
			file       []byte
		}{
			{"pdf", "file_not_table", []byte("%PDF-1.7\n\x00\x01\x02binary")},
			{"png", "file_not_table", []byte("\x89PNG\r\n\x1a\n\x00\x00")},
			{"xls", "file_xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}},
			{"broken xlsx", "file_xlsx", []byte("PK\x03\x04garbage")},
			{"koi8-r", "file_encoding", koi8},
			{"utf-16", "file_encoding", utf16},
			{"empty", "file_empty", nil},
		} {
			_, err := f.s.ImportSessions.Upload(f.ctx, f.opA1, tc.name, tc.file)
			if ve, ok := valid.As(err); !ok || ve.Code != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
			}
		}
		// The HTTP API: the analysis as JSON, problems of a file not checked refused.
		code, out := f.call(t, f.opA1, "POST", crm.ImportWizardPrefix+"?name=r.csv", string(registryCSV(t, true)))
		var a crm.ImportAnalysis
		if code != http.StatusOK || json.Unmarshal(out, &a) != nil || a.Delimiter != ";" {
			t.Fatalf("upload = %d %s", code, out)
		}
		if code, out := f.call(t, f.opA1, "GET", crm.ImportWizardPrefix+"/"+a.Session+"/problems.xlsx", ""); code != http.StatusUnprocessableEntity ||
			!strings.Contains(string(out), "import_not_checked") {
			t.Errorf("problems before a check = %d %s", code, out)
		}
		exec := f.opA1
		exec.Role = "executor"
		if code, _ := f.call(t, exec, "POST", crm.ImportWizardPrefix+"?name=r.csv", string(registryCSV(t, true))); code != http.StatusForbidden {
			t.Errorf("executor upload = %d", code)
		}
		if page, _ := f.s.Members.ListMembers(f.ctx, f.sys, crm.MemberFilter{}); page.Total != 0 {
			t.Errorf("bad files wrote %d cards", page.Total)
		}
	})
}

// TestImportRequiredCustomField: a required member field the file does
// not give (no column, or an empty cell) makes each new card's row an
// error of the dry run that names the field in Russian, on the screen
// and in the problems sheet; a row that changes a stored card is not
// held to it; with the column filled, the import goes through.
func TestImportRequiredCustomField(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		s := crm.New(crm.Deps{DB: d, Translate: i18n.T})
		if _, err := s.CustomFields.CreateCustomField(f.ctx, f.sys, crm.CustomFieldInput{Entity: crm.EntityMember, Key: "stazh",
			Label: "Стаж в профсоюзе, лет", Kind: crm.CustomNumber, Required: true}); err != nil {
			t.Fatal(err)
		}
		f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Прежний", GivenName: "Старый", CardNumber: "K-0",
			Custom: map[string]any{"stazh": 3}})
		var session string
		dry := func(csv string) crm.DryRunReport {
			t.Helper()
			a, err := s.ImportSessions.Upload(f.ctx, f.opA1, "реестр.csv", []byte(csv))
			if err != nil {
				t.Fatal(err)
			}
			plan := crm.ImportPlan{UnitID: f.a1.ID, Mapping: map[string]string{}}
			for _, c := range a.Columns {
				plan.Mapping[c.Heading] = c.Field
			}
			out, err := s.ImportSessions.DryRun(f.ctx, f.opA1, a.Session, plan)
			if err != nil {
				t.Fatal(err)
			}
			session = a.Session
			return out
		}
		// No column for the field: the new card's row is refused, the
		// stored card's is not.
		out := dry("Фамилия;Имя;№ профбилета\nКузнецова;Ольга;K-1\nПрежний;Новый;K-0\n")
		if len(out.Problems) != 1 || out.Problems[0].Row != 2 || out.Problems[0].Field != "Стаж в профсоюзе, лет" ||
			out.Problems[0].Code != "custom_required" || out.Updated != 1 || out.Created != 0 {
			t.Fatalf("dry run without the column = %+v", out)
		}
		// The column mapped, one cell empty: that row alone.
		out = dry("Фамилия;Имя;№ профбилета;Стаж в профсоюзе, лет\nКузнецова;Ольга;K-1;12\nОрлов;Иван;K-2;\n")
		if len(out.Problems) != 1 || out.Problems[0].Row != 3 || out.Problems[0].Code != "custom_required" || out.Created != 1 {
			t.Fatalf("dry run with an empty cell = %+v", out)
		}
		var xb bytes.Buffer
		if err := s.ImportSessions.WriteProblemsXLSX(f.ctx, &xb, f.opA1, session, "ru"); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&xb)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, _ := x.GetRows(x.GetSheetName(0))
		if len(rows) != 2 || rows[1][1] != "Стаж в профсоюзе, лет" || rows[1][2] != "Не заполнено обязательное поле «Стаж в профсоюзе, лет»" {
			t.Errorf("problems sheet = %q", rows)
		}
	})
}
