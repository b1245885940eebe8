package hub_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/i18n"
)

// problem is an error answer's body.
type problem struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

// TestAPIErrorsSpeakTheUsersLanguage walks the API's error paths the UI
// meets — bad JSON, a missing field, a bad value, a stranger's id, a
// refusal by role, a conflict, a forgotten CSRF token, no session — as a
// Russian user and fails on any English word in a message. The stable
// code beside it stays what clients know; a user who chose English, and
// a browser that asks for it before sign-in, get English.
func TestAPIErrorsSpeakTheUsersLanguage(t *testing.T) {
	n := hubtest.Start(t)
	unit := n.AddUnit(t, "", org.Committee, "Обком")
	n.AddUser(t, "sec", access.Secretary, unit.ID, "password-sec")
	n.AddUser(t, "op", access.Operator, unit.ID, "password-op")
	n.AddUser(t, "adm", access.Administrator, unit.ID, "password-adm")
	login := func(name, pw string) *hubtest.Browser {
		b := n.NewBrowser(t)
		if resp := b.Login(t, name, pw); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s = %d", name, resp.StatusCode)
		}
		return b
	}
	sec, op, adm := login("sec", "password-sec"), login("op", "password-op"), login("adm", "password-adm")
	anon := n.NewBrowser(t)

	category := `{"name":"Зарплата","sla_days":5}`
	if code, body := adm.Do(t, "POST", "/api/v1/crm/appeal-categories", category); code != http.StatusCreated {
		t.Fatalf("category = %d %s", code, body)
	}
	for _, tc := range []struct {
		name       string
		b          *hubtest.Browser
		method     string
		path, body string
		wantStatus int
		wantCode   string
	}{
		{"malformed JSON", sec, "POST", "/api/v1/crm/members", `{"surname":`, 422, "invalid"},
		{"unknown field", sec, "POST", "/api/v1/crm/members", `{"nickname":"x"}`, 422, "invalid"},
		{"empty body", sec, "POST", "/api/v1/crm/members", ``, 422, "invalid"},
		{"missing surname", sec, "POST", "/api/v1/crm/members", `{"unit_id":"` + unit.ID + `"}`, 422, "invalid"},
		{"bad e-mail", sec, "POST", "/api/v1/crm/members", `{"surname":"Иванова","unit_id":"` + unit.ID + `","emails":["not-an-address"]}`, 422, "invalid"},
		{"bad phone", sec, "POST", "/api/v1/crm/members", `{"surname":"Иванова","unit_id":"` + unit.ID + `","phones":["12"]}`, 422, "invalid"},
		{"bad sex", sec, "POST", "/api/v1/crm/members", `{"surname":"Иванова","unit_id":"` + unit.ID + `","sex":"x"}`, 422, "invalid"},
		{"bad date", sec, "POST", "/api/v1/crm/members", `{"surname":"Иванова","unit_id":"` + unit.ID + `","birth_date":"31/01/1980"}`, 422, "invalid"},
		{"bad number in query", sec, "GET", "/api/v1/crm/members?limit=many", ``, 422, "invalid"},
		{"unknown member", sec, "GET", "/api/v1/crm/members/no-such-member", ``, 404, "not_found"},
		{"line by a secretary", sec, "POST", "/api/v1/inbox/lines", `{"name":"Линия","unit_id":"` + unit.ID + `"}`, 403, "forbidden"},
		{"mailing by an operator", op, "POST", "/api/v1/mailing/campaigns", `{"name":"Новости"}`, 403, "forbidden"},
		{"category twice", adm, "POST", "/api/v1/crm/appeal-categories", category, 409, "conflict"},
		{"category without a name", adm, "POST", "/api/v1/crm/appeal-categories", `{"name":"","sla_days":5}`, 422, "invalid"},
		{"category deadline", adm, "POST", "/api/v1/crm/appeal-categories", `{"name":"Жильё","sla_days":0}`, 422, "invalid"},
		{"user with a bad login", adm, "POST", "/api/v1/users", `{"login":"Мария!","full_name":"Мария","role":"operator","unit_id":"` + unit.ID + `","password":"long-enough-pw"}`, 422, "invalid"},
		{"user with a taken login", adm, "POST", "/api/v1/users", `{"login":"sec","full_name":"Мария","role":"operator","unit_id":"` + unit.ID + `","password":"long-enough-pw"}`, 409, "conflict"},
		{"no session", anon, "GET", "/api/v1/me", ``, 401, "unauthorized"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := tc.b.Do(t, tc.method, tc.path, tc.body)
			p := checkRussianProblem(t, code, body)
			if code != tc.wantStatus || p.Error.Code != tc.wantCode {
				t.Errorf("%d %q, want %d %q: %s", code, p.Error.Code, tc.wantStatus, tc.wantCode, body)
			}
		})
	}

	t.Run("forgotten CSRF token", func(t *testing.T) {
		csrf := sec.CSRF
		sec.CSRF = ""
		code, body := sec.Do(t, "POST", "/api/v1/crm/members", `{}`)
		sec.CSRF = csrf
		if p := checkRussianProblem(t, code, body); code != 403 || p.Error.Code != "csrf" {
			t.Errorf("%d %s", code, body)
		}
	})

	t.Run("English on request", func(t *testing.T) {
		req, _ := http.NewRequest("GET", anon.Base+"/api/v1/me", nil)
		req.Header.Set("Accept-Language", "en-GB,en;q=0.8")
		resp, err := anon.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var p problem
		if err := json.NewDecoder(resp.Body).Decode(&p); err != nil || p.Error.Code != "unauthorized" ||
			!strings.Contains(p.Error.Message, "signed in") {
			t.Errorf("English caller got %+v (%v)", p, err)
		}
		// A user who chose English reads English, whatever the browser asks.
		hash, err := n.Auth.HashPassword("password-eng")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := n.Org.CreateUser(t.Context(), n.System, org.NewUser{Login: "eng", FullName: "Smith John", Role: access.Secretary,
			UnitID: unit.ID, Lang: "en", PasswordHash: hash}); err != nil {
			t.Fatal(err)
		}
		eng := login("eng", "password-eng")
		code, body := eng.Do(t, "GET", "/api/v1/crm/members/no-such-member", ``)
		if err := json.Unmarshal([]byte(body), &p); err != nil || code != 404 || p.Error.Code != "not_found" || p.Error.Message != "Not found" {
			t.Errorf("English user got %d %s", code, body)
		}
	})
}

// checkRussianProblem decodes an error answer and fails when its message
// is empty or has English words in it.
func checkRussianProblem(t *testing.T, code int, body string) problem {
	t.Helper()
	var p problem
	if err := json.Unmarshal([]byte(body), &p); err != nil || p.Error.Code == "" {
		t.Fatalf("%d: not a problem: %s", code, body)
	}
	if p.Error.Message == "" {
		t.Errorf("%s: empty message", p.Error.Code)
	}
	if words := i18n.EnglishWords(p.Error.Message); len(words) > 0 {
		t.Errorf("%s: English in the Russian UI: %q (%v)", p.Error.Code, p.Error.Message, words)
	}
	return p
}
