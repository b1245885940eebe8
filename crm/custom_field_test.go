package crm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/org"
)

// defineFields adds the fields the tests below use: five federation-wide
// member fields of each type (the text one required) and a number field
// of committee B's subtree.
func (f *fixture) defineFields(t *testing.T) {
	t.Helper()
	for _, in := range []crm.CustomFieldInput{
		{Entity: crm.EntityMember, Label: "Стаж в профсоюзе, лет", Kind: crm.CustomNumber},
		{Entity: crm.EntityMember, Key: "medical", Label: "Медосмотр", Kind: crm.CustomDate},
		{Entity: crm.EntityMember, Key: "size", Label: "Размер одежды", Kind: crm.CustomChoice, Choices: []string{"S", "M", "L", " l ", ""}},
		{Entity: crm.EntityMember, Key: "youth", Label: "Член молодёжного совета", Kind: crm.CustomBool},
		{Entity: crm.EntityMember, Key: "tab", Label: "Табельный номер", Kind: crm.CustomText, Required: true},
		{Entity: crm.EntityMember, Key: "shift", Label: "Смена", Kind: crm.CustomNumber, UnitID: f.b1Parent(t)},
	} {
		if _, err := f.s.CustomFields.CreateCustomField(f.ctx, f.sys, in); err != nil {
			t.Fatalf("define %s: %v", in.Label, err)
		}
	}
}

// b1Parent is committee B, the parent of B1.
func (f *fixture) b1Parent(t *testing.T) string {
	t.Helper()
	var id string
	if err := f.d.QueryRowContext(f.ctx, `SELECT parent_id FROM units WHERE id = $1`, f.b1.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// The typing, required and scope rules of custom values, checked on
// every save of a card through the server, whatever sends it.
func TestCustomFieldValues(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.defineFields(t)
		const stazh = "stazh_v_profsoyuze_let" // the key made from the label
		for _, tc := range []struct {
			name   string
			unit   string
			custom map[string]any
			want   map[string]any // stored values, when accepted
			reason string         // CustomFieldError.Reason, when refused
			field  string         // ... and the field it names
		}{
			{"number with a decimal comma", "a1", map[string]any{"tab": "7", stazh: "12,5"}, map[string]any{"tab": "7", stazh: 12.5}, "", ""},
			{"number as a number", "a1", map[string]any{"tab": "7", stazh: 3.0}, map[string]any{"tab": "7", stazh: 3.0}, "", ""},
			{"number as words", "a1", map[string]any{"tab": "7", stazh: "много"}, nil, "number", "Стаж в профсоюзе, лет"},
			{"number as yes", "a1", map[string]any{"tab": "7", stazh: true}, nil, "number", "Стаж в профсоюзе, лет"},
			{"date in Russian form", "a1", map[string]any{"tab": "7", "medical": "31.01.2026"}, map[string]any{"tab": "7", "medical": "2026-01-31"}, "", ""},
			{"impossible date", "a1", map[string]any{"tab": "7", "medical": "31.02.2026"}, nil, "date", "Медосмотр"},
			{"date as a number", "a1", map[string]any{"tab": "7", "medical": 20.0}, nil, "date", "Медосмотр"},
			{"choice in another case", "a1", map[string]any{"tab": "7", "size": "m"}, map[string]any{"tab": "7", "size": "M"}, "", ""},
			{"choice not offered", "a1", map[string]any{"tab": "7", "size": "XXL"}, nil, "choice", "Размер одежды"},
			{"yes in Russian", "a1", map[string]any{"tab": "7", "youth": "да"}, map[string]any{"tab": "7", "youth": true}, "", ""},
			{"no as a boolean", "a1", map[string]any{"tab": "7", "youth": false}, map[string]any{"tab": "7", "youth": false}, "", ""},
			{"yes/no as a word", "a1", map[string]any{"tab": "7", "youth": "может быть"}, nil, "bool", "Член молодёжного совета"},
			{"text too long", "a1", map[string]any{"tab": strings.Repeat("я", 1001)}, nil, "text", "Табельный номер"},
			{"required left out", "a1", map[string]any{"size": "S"}, nil, "required", "Табельный номер"},
			{"required left blank", "a1", map[string]any{"tab": "  "}, nil, "required", "Табельный номер"},
			{"empty values removed", "a1", map[string]any{"tab": "7", stazh: "", "size": nil}, map[string]any{"tab": "7"}, "", ""},
			{"unknown keys kept", "a1", map[string]any{"tab": "7", "legacy": "x"}, map[string]any{"tab": "7", "legacy": "x"}, "", ""},
			// Committee B's field does not apply in A: its key is left alone.
			{"another subtree's field", "a1", map[string]any{"tab": "7", "shift": "ночная"}, map[string]any{"tab": "7", "shift": "ночная"}, "", ""},
			{"own subtree's field", "b1", map[string]any{"tab": "7", "shift": "ночная"}, nil, "number", "Смена"},
			{"own subtree's field typed", "b1", map[string]any{"tab": "7", "shift": "2"}, map[string]any{"tab": "7", "shift": 2.0}, "", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				unit := map[string]string{"a1": f.a1.ID, "b1": f.b1.ID}[tc.unit]
				m, err := f.s.Members.CreateMember(f.ctx, f.sys, crm.MemberInput{UnitID: unit, Surname: "Полев", Custom: tc.custom}, true)
				if tc.reason == "" {
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					got, err := f.s.Members.GetMember(f.ctx, f.sys, m.ID)
					if err != nil || !reflect.DeepEqual(got.Custom, tc.want) {
						t.Fatalf("stored %v (%v), want %v", got.Custom, err, tc.want)
					}
					return
				}
				var ce *crm.CustomFieldError
				if !errors.As(err, &ce) || ce.Reason != tc.reason || ce.Label != tc.field {
					t.Fatalf("err = %v, want %s of %q", err, tc.reason, tc.field)
				}
				if ve, ok := valid.As(err); !ok || ve.Field != "custom."+ce.Key {
					t.Fatalf("not a validation error of custom.%s: %#v", ce.Key, ve)
				}
			})
		}

		// An update is checked the same way, and a card missing a
		// required value cannot be saved until it is filled.
		m := f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Правкин", Custom: map[string]any{"tab": "1"}})
		in := m.MemberInput
		in.Custom = map[string]any{"tab": "1", "youth": "нет"}
		if got, err := f.s.Members.UpdateMember(f.ctx, f.sys, m.ID, in); err != nil || got.Custom["youth"] != false {
			t.Fatalf("update = %v, %v", got.Custom, err)
		}
		in.Custom = map[string]any{"youth": true}
		if _, err := f.s.Members.UpdateMember(f.ctx, f.sys, m.ID, in); !valid.Is(err) {
			t.Fatalf("update without the required field: %v", err)
		}

		// A retired field is no longer checked or required.
		fields, err := f.s.CustomFields.ListCustomFields(f.ctx, f.sys, crm.CustomFieldFilter{Entity: crm.EntityMember})
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range fields {
			if fd.Key == "tab" {
				if _, err := f.s.CustomFields.RetireCustomField(f.ctx, f.sys, fd.ID, true); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := f.s.Members.CreateMember(f.ctx, f.sys, crm.MemberInput{UnitID: f.a1.ID, Surname: "Безтабельный"}, true); err != nil {
			t.Fatalf("a retired required field still required: %v", err)
		}
	})
}

// Definitions: keys made from Russian labels, the fixed key and type, the
// administrator's right, the scope's listing and retirement.
func TestCustomFieldDefinitions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.defineFields(t)
		list := func(sc access.Scope, unit string) []string {
			t.Helper()
			fs, err := f.s.CustomFields.ListCustomFields(f.ctx, sc, crm.CustomFieldFilter{Entity: crm.EntityMember, UnitID: unit})
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, fd := range fs {
				keys = append(keys, fd.Key)
			}
			return keys
		}
		inA := []string{"stazh_v_profsoyuze_let", "medical", "size", "youth", "tab"}
		if got := list(f.opA1, f.a1.ID); !reflect.DeepEqual(got, inA) {
			t.Fatalf("fields of A1 = %v, want %v", got, inA)
		}
		if got := list(f.sys, f.b1.ID); !reflect.DeepEqual(got, append(inA, "shift")) {
			t.Fatalf("fields of B1 = %v", got)
		}
		// An operator of A1 cannot ask for B1's fields: B1 is out of scope.
		if _, err := f.s.CustomFields.ListCustomFields(f.ctx, f.opA1, crm.CustomFieldFilter{Entity: crm.EntityMember, UnitID: f.b1.ID}); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("B1's fields for A1's operator: %v", err)
		}

		for _, tc := range []struct {
			name string
			sc   access.Scope
			in   crm.CustomFieldInput
			code string // valid.Error code; "forbidden" for access.ErrForbidden
		}{
			{"an operator defines", f.opA1, crm.CustomFieldInput{Entity: crm.EntityMember, Label: "Поле", Kind: crm.CustomText}, "forbidden"},
			{"a chairman defines", f.chairA, crm.CustomFieldInput{Entity: crm.EntityMember, Label: "Поле", Kind: crm.CustomText}, "forbidden"},
			{"no label", f.sys, crm.CustomFieldInput{Entity: crm.EntityMember, Label: "  ", Kind: crm.CustomText}, "custom_label"},
			{"unknown entity", f.sys, crm.CustomFieldInput{Entity: "document", Label: "Поле", Kind: crm.CustomText}, "custom_entity"},
			{"unknown type", f.sys, crm.CustomFieldInput{Entity: crm.EntityMember, Label: "Поле", Kind: "money"}, "custom_kind"},
			{"a list without choices", f.sys, crm.CustomFieldInput{Entity: crm.EntityMember, Label: "Поле", Kind: crm.CustomChoice, Choices: []string{" "}}, "custom_choices"},
			{"a bad key", f.sys, crm.CustomFieldInput{Entity: crm.EntityMember, Key: "Размер", Label: "Поле", Kind: crm.CustomText}, "custom_key"},
			{"a key taken", f.sys, crm.CustomFieldInput{Entity: crm.EntityMember, Key: "size", Label: "Поле", Kind: crm.CustomText}, "custom_key_taken"},
			{"the same key elsewhere", f.sys, crm.CustomFieldInput{Entity: crm.EntityOrganisation, Key: "size", Label: "Размер", Kind: crm.CustomText}, ""},
			{"an appeal's field", f.sys, crm.CustomFieldInput{Entity: crm.EntityAppeal, Label: "Источник", Kind: crm.CustomChoice, Choices: []string{"Сайт"}}, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.s.CustomFields.CreateCustomField(f.ctx, tc.sc, tc.in)
				switch ve, _ := valid.As(err); {
				case tc.code == "" && err != nil:
					t.Fatalf("refused: %v", err)
				case tc.code == "forbidden" && !errors.Is(err, access.ErrForbidden):
					t.Fatalf("err = %v, want forbidden", err)
				case tc.code != "" && tc.code != "forbidden" && (ve == nil || ve.Code != tc.code):
					t.Fatalf("err = %v, want %s", err, tc.code)
				}
			})
		}

		// Editing keeps the key and the type; retiring takes the field off.
		fs, _ := f.s.CustomFields.ListCustomFields(f.ctx, f.sys, crm.CustomFieldFilter{Entity: crm.EntityMember})
		size := fs[2]
		up, err := f.s.CustomFields.UpdateCustomField(f.ctx, f.sys, size.ID, crm.CustomFieldInput{Key: "other", Kind: crm.CustomText,
			Label: "Размер спецодежды", Choices: []string{"48", "50"}, Required: true, UnitID: f.a.ID})
		if err != nil || up.Key != "size" || up.Kind != crm.CustomChoice || up.Label != "Размер спецодежды" || !up.Required ||
			up.UnitName != "Обком А" || !reflect.DeepEqual(up.Choices, []string{"48", "50"}) {
			t.Fatalf("update = %+v, %v", up, err)
		}
		if _, err := f.s.CustomFields.RetireCustomField(f.ctx, f.sys, size.ID, true); err != nil {
			t.Fatal(err)
		}
		if got := list(f.sys, f.a1.ID); len(got) != 4 {
			t.Fatalf("a retired field still applies: %v", got)
		}
		all, _ := f.s.CustomFields.ListCustomFields(f.ctx, f.sys, crm.CustomFieldFilter{Entity: crm.EntityMember, Retired: true})
		if len(all) != 6 || !all[2].Retired {
			t.Fatalf("with the retired: %d fields", len(all))
		}
		if back, err := f.s.CustomFields.RetireCustomField(f.ctx, f.sys, size.ID, false); err != nil || back.Retired {
			t.Fatalf("restore = %+v, %v", back, err)
		}
	})
}

// Through the API a wrong value is a 422 naming the field, in the
// user's language, and an organisation's fields are checked the same way.
func TestCustomFieldErrorsInTheUsersLanguage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ru := map[string]string{"err.custom.number": "«%s»: нужно число", "err.custom.required": "Заполните поле «%s»", "err.required": "Заполните это поле"}
		f.s = crm.New(crm.Deps{DB: d, Translate: func(lang, key string, args ...any) string {
			if s, ok := ru[key]; ok && lang == "ru" {
				if len(args) > 0 {
					return fmt.Sprintf(s, args...)
				}
				return s
			}
			return key
		}})
		f.defineFields(t)
		if _, err := f.s.CustomFields.CreateCustomField(f.ctx, f.sys, crm.CustomFieldInput{Entity: crm.EntityOrganisation, Key: "staff",
			Label: "Численность работающих", Kind: crm.CustomNumber}); err != nil {
			t.Fatal(err)
		}
		call := func(method, path, body string) (int, map[string]any) {
			mux := http.NewServeMux()
			f.s.Routes(mux)
			req := httptest.NewRequest(method, path, strings.NewReader(body))
			req = req.WithContext(auth.WithPrincipal(req.Context(), &auth.Principal{Scope: f.sys, User: auth.User{Lang: "ru"}}))
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			var out map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &out)
			return rec.Code, out
		}
		problem := func(out map[string]any) (field, msg string) {
			e, _ := out["error"].(map[string]any)
			field, _ = e["field"].(string)
			msg, _ = e["message"].(string)
			return field, msg
		}
		for _, tc := range []struct {
			name, method, path, body string
			status                   int
			field, msg               string
		}{
			{"wrong type", "POST", "/api/v1/crm/members", `{"unit_id":"` + f.a1.ID + `","surname":"Иванов","custom":{"tab":"1","stazh_v_profsoyuze_let":"пять"}}`,
				422, "custom.stazh_v_profsoyuze_let", "«Стаж в профсоюзе, лет»: нужно число"},
			{"required missing", "POST", "/api/v1/crm/members", `{"unit_id":"` + f.a1.ID + `","surname":"Иванов"}`,
				422, "custom.tab", "Заполните поле «Табельный номер»"},
			{"standard field", "POST", "/api/v1/crm/members", `{"unit_id":"` + f.a1.ID + `","surname":" "}`, 422, "surname", "Заполните это поле"},
			{"organisation", "PATCH", "/api/v1/crm/organisations/" + f.a1.ID, `{"custom":{"staff":"сто"}}`,
				422, "custom.staff", "«Численность работающих»: нужно число"},
			{"organisation typed", "PATCH", "/api/v1/crm/organisations/" + f.a1.ID, `{"custom":{"staff":"120"}}`, 200, "", ""},
			{"created", "POST", "/api/v1/crm/members", `{"unit_id":"` + f.a1.ID + `","surname":"Иванов","custom":{"tab":"1","youth":"да"}}`, 201, "", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				code, out := call(tc.method, tc.path, tc.body)
				field, msg := problem(out)
				if code != tc.status || field != tc.field || msg != tc.msg {
					t.Fatalf("%d %q %q, want %d %q %q (%v)", code, field, msg, tc.status, tc.field, tc.msg, out)
				}
			})
		}
		// The field definitions API is the administrator's.
		code, out := call("GET", "/api/v1/crm/custom-fields?entity=member&unit_id="+f.a1.ID, "")
		if fs, _ := out["fields"].([]any); code != 200 || len(fs) != 5 {
			t.Fatalf("fields of A1: %d %v", code, out)
		}
	})
}

// A card's history comes from the audit log with people by full name;
// reading a card is audited but is not a change; an archived card leaves
// the list until restored.
func TestCardHistoryArchiveAndAuditedRead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.defineFields(t)
		u, err := org.NewStore(d).CreateUser(f.ctx, f.sys, org.NewUser{Login: "belova", FullName: "Белова Ирина Алексеевна",
			Role: access.Secretary, UnitID: f.fed.ID, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		sec := access.Scope{UserID: u.ID, UserName: u.Login, Role: access.Secretary, UnitID: f.fed.ID, UnitPath: f.fed.Path, From: "test"}
		m, err := f.s.Members.CreateMember(f.ctx, sec, crm.MemberInput{UnitID: f.a1.ID, Surname: "Карточкин", Custom: map[string]any{"tab": "5"}}, false)
		if err != nil {
			t.Fatal(err)
		}
		in := m.MemberInput
		in.Phones = []string{"+7 912 000-00-01"}
		in.Custom = map[string]any{"tab": "5", "size": "L"}
		if _, err := f.s.Members.UpdateMember(f.ctx, sec, m.ID, in); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Cards.ReadMember(f.ctx, sec, m.ID); err != nil {
			t.Fatal(err)
		}
		count := func(archived string) int {
			t.Helper()
			page, err := f.s.Members.ListMembers(f.ctx, f.sys, crm.MemberFilter{Query: "Карточкин", Archived: archived})
			if err != nil {
				t.Fatal(err)
			}
			return page.Total
		}
		arch, err := f.s.Cards.ArchiveMember(f.ctx, sec, m.ID, true)
		if err != nil || arch.ArchivedAt == nil {
			t.Fatalf("archive = %+v, %v", arch, err)
		}
		if n, o, a := count(""), count("only"), count("all"); n != 0 || o != 1 || a != 1 {
			t.Fatalf("archived card counted: in use %d, archived %d, all %d", n, o, a)
		}
		if _, err := f.s.Cards.ArchiveMember(f.ctx, f.opA2, m.ID, false); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("an operator of another organisation restores: %v", err)
		}
		if back, err := f.s.Cards.ArchiveMember(f.ctx, sec, m.ID, false); err != nil || back.ArchivedAt != nil || count("") != 1 {
			t.Fatalf("restore = %+v, %v", back, err)
		}

		events, err := f.s.Cards.MemberHistory(f.ctx, f.opA1, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, e := range events {
			lines = append(lines, e.ActorName+": "+e.Action+" "+strings.Join(e.Changed, ","))
		}
		want := []string{"Белова Ирина Алексеевна: create ", "Белова Ирина Алексеевна: update custom.size,phones",
			"Белова Ирина Алексеевна: archive ", "Белова Ирина Алексеевна: restore "}
		if !reflect.DeepEqual(lines, want) {
			t.Fatalf("history:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}
		var reads int
		if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'member.read' AND object_id = $1 AND actor_id = $2`,
			m.ID, u.ID).Scan(&reads); err != nil || reads != 1 {
			t.Fatalf("reads audited: %d, %v", reads, err)
		}
		if _, err := f.s.Cards.MemberHistory(f.ctx, f.opA2, m.ID); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("history out of scope: %v", err)
		}

		// An organisation's card: archived, restored, in its history.
		o, err := f.s.Cards.ArchiveOrganisation(f.ctx, sec, f.a2.ID, true)
		if err != nil || o.ArchivedAt == nil {
			t.Fatalf("archive organisation = %+v, %v", o, err)
		}
		if o, err = f.s.Organisations.UpdateOrganisation(f.ctx, sec, f.a2.ID, crm.OrganisationInput{FullName: "ППО больницы № 2"}); err != nil || o.ArchivedAt == nil {
			t.Fatalf("an edit un-archived the card: %+v, %v", o, err)
		}
		oh, err := f.s.Cards.OrganisationHistory(f.ctx, sec, f.a2.ID)
		if err != nil || len(oh) != 2 || oh[0].Action != "archive" || oh[1].Action != "update" || oh[1].ActorName != "Белова Ирина Алексеевна" {
			t.Fatalf("organisation history = %+v, %v", oh, err)
		}
	})
}

// The list filters by one custom field, read as its type, and the export
// has a column per field.
func TestCustomFieldFilterAndExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.defineFields(t)
		for i, c := range []map[string]any{
			{"tab": "1", "size": "M", "stazh_v_profsoyuze_let": 12, "youth": true},
			{"tab": "2", "size": "L", "stazh_v_profsoyuze_let": 120, "youth": false},
			{"tab": "3", "size": "M", "stazh_v_profsoyuze_let": 2.5},
		} {
			f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: []string{"Фильтрова", "Фильтрин", "Фильтрук"}[i], Custom: c})
		}
		for _, tc := range []struct {
			key, value string
			want       int
			code       string
		}{
			{"size", "m", 2, ""},
			{"size", "L", 1, ""},
			{"stazh_v_profsoyuze_let", "12", 1, ""},
			{"stazh_v_profsoyuze_let", "2,5", 1, ""},
			{"youth", "да", 1, ""},
			{"youth", "false", 1, ""},
			{"size", "XXL", 0, "custom_choice"},
			{"nope", "1", 0, "custom_unknown"},
		} {
			t.Run(tc.key+"="+tc.value, func(t *testing.T) {
				page, err := f.s.Members.ListMembers(f.ctx, f.sys, crm.MemberFilter{CustomKey: tc.key, CustomValue: tc.value})
				if ve, _ := valid.As(err); tc.code != "" && (ve == nil || ve.Code != tc.code) {
					t.Fatalf("err = %v, want %s", err, tc.code)
				}
				if tc.code == "" && (err != nil || page.Total != tc.want) {
					t.Fatalf("found %d (%v), want %d", page.Total, err, tc.want)
				}
			})
		}
		var buf strings.Builder
		if err := f.s.Exporter.WriteMembersCSV(f.ctx, &buf, f.sys, crm.MemberFilter{Query: "Фильтрова"}); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(lines) != 2 || !strings.HasSuffix(lines[0], `,"Стаж в профсоюзе, лет",Медосмотр,Размер одежды,Член молодёжного совета,Табельный номер,Смена`) {
			t.Fatalf("export header: %q", lines[0])
		}
		if !strings.HasSuffix(lines[1], ",12,,M,да,1,") {
			t.Fatalf("export row: %q", lines[1])
		}
	})
}

// An import may map columns to custom fields: their values are typed as
// on a card, a wrong one is the row's problem named by the field's label,
// and the wizard offers the fields and guesses them from their labels.
func TestImportCustomFields(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.defineFields(t)
		csv := "Фамилия;Стаж в профсоюзе, лет;Размер одежды;Член молодёжного совета;Табельный\n" +
			"Импортов;12,5;l;да;77\n" +
			"Ошибкин;много;M;нет;78\n"
		rep, err := f.s.Importer.Import(f.ctx, f.sys, strings.NewReader(csv), crm.ImportOptions{Format: "csv", UnitID: f.a1.ID,
			Mapping: map[string]string{"Фамилия": "surname", "Стаж в профсоюзе, лет": "custom.stazh_v_profsoyuze_let",
				"Размер одежды": "custom.size", "Член молодёжного совета": "custom.youth", "Табельный": "custom.tab"}})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != 1 || rep.Errors != 1 || rep.Rows[1].Field != "Стаж в профсоюзе, лет" || rep.Rows[1].Code != "custom_number" {
			t.Fatalf("report %+v", rep)
		}
		page, err := f.s.Members.ListMembers(f.ctx, f.sys, crm.MemberFilter{Query: "Импортов"})
		if err != nil || page.Total != 1 {
			t.Fatalf("imported: %v, %v", page.Total, err)
		}
		want := map[string]any{"stazh_v_profsoyuze_let": 12.5, "size": "L", "youth": true, "tab": "77"}
		if got := page.Members[0].Custom; !reflect.DeepEqual(got, want) {
			t.Fatalf("custom %v, want %v", got, want)
		}
		if _, err := f.s.Importer.Import(f.ctx, f.sys, strings.NewReader(csv), crm.ImportOptions{Format: "csv", UnitID: f.a1.ID,
			Mapping: map[string]string{"Фамилия": "surname", "Размер одежды": "custom.Размер"}}); !valid.Is(err) {
			t.Fatalf("a mapping to a bad key: %v", err)
		}
		a, err := f.s.ImportSessions.Upload(f.ctx, f.sys, "r.csv", []byte(csv))
		if err != nil {
			t.Fatal(err)
		}
		var guessed []string
		for _, c := range a.Columns {
			guessed = append(guessed, c.Field)
		}
		if !reflect.DeepEqual(guessed, []string{"surname", "custom.stazh_v_profsoyuze_let", "custom.size", "custom.youth", ""}) ||
			a.FieldLabels["custom.tab"] != "Табельный номер" {
			t.Fatalf("the wizard guessed %v, labels %v", guessed, a.FieldLabels)
		}
	})
}

// Appeals carry their own custom fields: typed, required on an appeal
// filed by hand (not on one made from a conversation), in the history.
func TestAppealCustomFields(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for _, in := range []crm.CustomFieldInput{
			{Entity: crm.EntityAppeal, Key: "source", Label: "Откуда узнали", Kind: crm.CustomChoice, Choices: []string{"Сайт", "Газета"}, Required: true},
			{Entity: crm.EntityAppeal, Key: "amount", Label: "Сумма, ₽", Kind: crm.CustomNumber},
		} {
			if _, err := f.s.CustomFields.CreateCustomField(f.ctx, f.sys, in); err != nil {
				t.Fatal(err)
			}
		}
		in := crm.AppealInput{UnitID: f.a1.ID, Applicant: "Заявитель", Subject: "Материальная помощь"}
		var ce *crm.CustomFieldError
		if _, err := f.s.Appeals.CreateAppeal(f.ctx, f.sys, in); !errors.As(err, &ce) || ce.Reason != "required" || ce.Key != "source" {
			t.Fatalf("an appeal without its required field: %v", err)
		}
		in.Custom = map[string]any{"source": "газета", "amount": "5 000"}
		a, err := f.s.Appeals.CreateAppeal(f.ctx, f.sys, in)
		if err != nil || !reflect.DeepEqual(a.Custom, map[string]any{"source": "Газета", "amount": 5000.0}) {
			t.Fatalf("create = %v, %v", a.Custom, err)
		}
		up := a.AppealInput
		up.Custom = map[string]any{"source": "Газета", "amount": "пять тысяч"}
		if _, err := f.s.Appeals.UpdateAppeal(f.ctx, f.sys, a.ID, up); !errors.As(err, &ce) || ce.Reason != "number" {
			t.Fatalf("a wrong amount: %v", err)
		}
		up.Custom = map[string]any{"source": "Сайт", "amount": 7500.5}
		if _, err := f.s.Appeals.UpdateAppeal(f.ctx, f.sys, a.ID, up); err != nil {
			t.Fatal(err)
		}
		hist, err := f.s.AppealDetails.AppealHistory(f.ctx, f.sys, a.ID)
		if err != nil || len(hist) != 2 {
			t.Fatalf("history %+v, %v", hist, err)
		}
		if got := hist[1].Changes["custom.amount"]; got != [2]any{"5000", "7500,5"} {
			t.Fatalf("the amount's change: %v (%+v)", got, hist[1].Changes)
		}
	})
}
