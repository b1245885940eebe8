package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

func get(t *testing.T, b *hubtest.Browser, path string) (int, string, http.Header) {
	t.Helper()
	resp, err := b.Get(b.Base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func TestLoginPageLogoutAndShell(t *testing.T) {
	n := hubtest.Start(t)
	b := n.NewBrowser(t)
	if code, _, h := get(t, b, "/"); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
		t.Fatalf("anonymous / = %d %s", code, h.Get("Location"))
	}
	code, body, h := get(t, b, "/login")
	if code != 200 || !strings.Contains(body, `name="password"`) || !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("login page = %d", code)
	}
	if resp := b.Login(t, "admin", "wrong password"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password = %d", resp.StatusCode)
	}
	if resp := b.Login(t, "admin", hubtest.AdminPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login = %d", resp.StatusCode)
	}
	code, body, _ = get(t, b, "/")
	for _, want := range []string{"Открытые линии", "Члены профсоюза", "Обращения", "Документы", "Рассылки", "Настройки"} {
		if !strings.Contains(body, want) {
			t.Errorf("home page (%d) lacks %q", code, want)
		}
	}
	// English is a per-user setting.
	form := url.Values{"csrf_token": {b.CSRF}, "full_name": {"Администратор"}, "email": {""}, "lang": {"en"}}
	resp, err := b.PostForm(b.Base+"/profile", form)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("profile update = %v %v", resp.StatusCode, err)
	}
	if _, body, _ := get(t, b, "/"); !strings.Contains(body, "Inbox") || !strings.Contains(body, "Sign out") {
		t.Error("English UI not shown after switching language")
	}
	resp, _ = b.PostForm(b.Base+"/logout", url.Values{"csrf_token": {b.CSRF}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout = %d", resp.StatusCode)
	}
	if code, _, _ := get(t, b, "/"); code != http.StatusSeeOther {
		t.Fatalf("after logout / = %d", code)
	}
}

// scopeFixture: committees A and B, an administrator, a chairman and an
// operator in A, an operator in B.
type scopeFixture struct {
	n                        *hubtest.Node
	a, a1, b                 org.Unit
	adminA, chairA, opA, opB org.User
}

func newScopeFixture(t *testing.T) scopeFixture {
	n := hubtest.Start(t)
	f := scopeFixture{n: n}
	f.a = n.AddUnit(t, "", org.Committee, "Обком А")
	f.a1 = n.AddUnit(t, f.a.ID, org.Primary, "ППО А1")
	f.b = n.AddUnit(t, "", org.Committee, "Обком Б")
	f.adminA = n.AddUser(t, "admin.a", access.Administrator, f.a.ID, "password-a")
	f.chairA = n.AddUser(t, "chair.a", access.Chairman, f.a.ID, "password-a")
	f.opA = n.AddUser(t, "op.a", access.Operator, f.a.ID, "password-a")
	f.opB = n.AddUser(t, "op.b", access.Operator, f.b.ID, "password-b")
	return f
}

func (f scopeFixture) login(t *testing.T, login, pw string) *hubtest.Browser {
	b := f.n.NewBrowser(t)
	if resp := b.Login(t, login, pw); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s = %d", login, resp.StatusCode)
	}
	return b
}

func TestOtherUnitsAreInvisibleOverHTTP(t *testing.T) {
	f := newScopeFixture(t)
	op := f.login(t, "op.a", "password-a")
	admin := f.login(t, "admin.a", "password-a")
	chair := f.login(t, "chair.a", "password-a")

	tests := []struct {
		name   string
		who    *hubtest.Browser
		method string
		path   string
		body   string
		want   int
	}{
		{"operator reads B's user", op, "GET", "/api/v1/users/" + f.opB.ID, "", 404},
		{"operator reads B's unit", op, "GET", "/api/v1/units/" + f.b.ID, "", 404},
		{"operator reads own colleague", op, "GET", "/api/v1/users/" + f.chairA.ID, "", 200},
		{"operator reads the audit log", op, "GET", "/api/v1/audit", "", 403},
		{"operator creates a unit", op, "POST", "/api/v1/units", `{"parent_id":"` + f.a.ID + `","kind":"primary","name":"X"}`, 403},
		{"admin A reads B's user", admin, "GET", "/api/v1/users/" + f.opB.ID, "", 404},
		{"admin A disables B's user", admin, "POST", "/api/v1/users/" + f.opB.ID + "/disable", "", 404},
		{"admin A edits B's unit", admin, "PATCH", "/api/v1/units/" + f.b.ID, `{"name":"Захвачено"}`, 404},
		{"admin A creates a user in B", admin, "POST", "/api/v1/users", `{"login":"intruder","full_name":"X","role":"operator","unit_id":"` + f.b.ID + `","password":"long enough"}`, 404},
		{"admin A moves A's unit under B", admin, "PATCH", "/api/v1/units/" + f.a1.ID, `{"parent_id":"` + f.b.ID + `"}`, 404},
		{"admin A moves their own home unit", admin, "PATCH", "/api/v1/units/" + f.a.ID, `{"parent_id":"` + f.a1.ID + `"}`, 403},
		{"admin A opens B's user page", admin, "GET", "/admin/users/" + f.opB.ID, "", 404},
		{"operator opens the users page", op, "GET", "/admin/users", "", 403},
		{"admin A creates a unit in A", admin, "POST", "/api/v1/units", `{"parent_id":"` + f.a.ID + `","kind":"primary","name":"ППО"}`, 201},
	}
	for _, tc := range tests {
		if code, body := tc.who.Do(t, tc.method, tc.path, tc.body); code != tc.want {
			t.Errorf("%s: %d, want %d (%s)", tc.name, code, tc.want, body)
		}
	}

	// Lists hold only A's subtree.
	_, body := admin.Do(t, "GET", "/api/v1/users?include_disabled=true", "")
	if strings.Contains(body, f.opB.ID) || !strings.Contains(body, f.opA.ID) {
		t.Errorf("admin A's user list: %s", body)
	}
	_, body = op.Do(t, "GET", "/api/v1/units", "")
	var list struct{ Units []org.Unit }
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Units) != 3 {
		t.Errorf("operator A sees %d units, want A, A1 and the new one", len(list.Units))
	}
	for _, u := range list.Units {
		if u.ID == f.b.ID || u.ID == f.n.Root.ID {
			t.Errorf("operator A's unit list shows %s", u.Name)
		}
	}
	// The chairman reads A's audit rows and none of B's, even by B's id.
	code, body := chair.Do(t, "GET", "/api/v1/audit", "")
	if code != 200 || !strings.Contains(body, f.opA.ID) || strings.Contains(body, f.opB.ID) {
		t.Errorf("chairman A's audit (%d): %s", code, body)
	}
	if _, body := chair.Do(t, "GET", "/api/v1/audit?object_id="+f.opB.ID, ""); !strings.Contains(body, `"entries":[]`) {
		t.Errorf("chairman A reads B's audit rows by id: %s", body)
	}
}

func TestDisablingAUserEndsTheirSessionsAndTokens(t *testing.T) {
	f := newScopeFixture(t)
	op := f.login(t, "op.a", "password-a")
	admin := f.login(t, "admin.a", "password-a")
	code, body := op.Do(t, "POST", "/api/v1/tokens", `{"name":"script"}`)
	if code != 201 {
		t.Fatalf("token create = %d %s", code, body)
	}
	var tok struct{ Token string }
	_ = json.Unmarshal([]byte(body), &tok)

	if code, _ := op.Do(t, "GET", "/api/v1/me", ""); code != 200 {
		t.Fatalf("operator before disabling: %d", code)
	}
	if code, body := admin.Do(t, "POST", "/api/v1/users/"+f.opA.ID+"/disable", ""); code != 200 {
		t.Fatalf("disable = %d %s", code, body)
	}
	if code, _ := op.Do(t, "GET", "/api/v1/me", ""); code != http.StatusUnauthorized {
		t.Fatalf("operator's session after disabling: %d", code)
	}
	if code, _, h := get(t, op, "/"); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
		t.Fatalf("operator's page after disabling: %d", code)
	}
	req, _ := http.NewRequest("GET", f.n.Server.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("disabled user's token: %d", resp.StatusCode)
	}
	var n int
	if err := f.n.DB.QueryRow(`SELECT COUNT(*) FROM sessions WHERE user_id = $1`, f.opA.ID).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d sessions left, %v", n, err)
	}
}

func TestCSRFForgedCookiesAndLimits(t *testing.T) {
	f := newScopeFixture(t)
	admin := f.login(t, "admin.a", "password-a")
	create := `{"parent_id":"` + f.a.ID + `","kind":"primary","name":"ППО"}`

	csrf := admin.CSRF
	admin.CSRF = ""
	if code, body := admin.Do(t, "POST", "/api/v1/units", create); code != http.StatusForbidden || !strings.Contains(body, "csrf") {
		t.Errorf("API call without CSRF token = %d %s", code, body)
	}
	admin.CSRF = "forged"
	if code, _ := admin.Do(t, "POST", "/api/v1/units", create); code != http.StatusForbidden {
		t.Errorf("API call with a wrong CSRF token = %d", code)
	}
	admin.CSRF = csrf
	resp, _ := admin.PostForm(admin.Base+"/admin/units", url.Values{"name": {"X"}, "kind": {"primary"}, "parent_id": {f.a.ID}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("form without CSRF token = %d", resp.StatusCode)
	}
	resp, _ = admin.PostForm(admin.Base+"/admin/units", url.Values{"name": {"ППО школы"}, "kind": {"primary"}, "parent_id": {f.a.ID}, "csrf_token": {csrf}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("form with CSRF token = %d", resp.StatusCode)
	}

	// The login form itself needs its token.
	anon := f.n.NewBrowser(t)
	resp, _ = anon.PostForm(anon.Base+"/login", url.Values{"login": {"admin.a"}, "password": {"password-a"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("login without its CSRF token = %d", resp.StatusCode)
	}
	// Cross-site form posts are refused before anything else.
	req, _ := http.NewRequest("POST", anon.Base+"/login", strings.NewReader("login=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, _ := anon.Client.Do(req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site login post = %d", resp.StatusCode)
	}

	// A forged session cookie is dropped: the visitor is anonymous.
	forged := f.n.NewBrowser(t)
	u, _ := url.Parse(forged.Base)
	forged.Jar.SetCookies(u, []*http.Cookie{{Name: "profhub_session", Value: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}})
	if code, _, h := get(t, forged, "/"); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
		t.Errorf("forged cookie / = %d", code)
	}
	if code, _ := forged.Do(t, "GET", "/api/v1/me", ""); code != http.StatusUnauthorized {
		t.Errorf("forged cookie API = %d", code)
	}

	// Bodies over the limit are refused with 413, declared or not.
	big := `{"parent_id":"` + f.a.ID + `","kind":"primary","name":"` + strings.Repeat("я", 1<<20) + `"}`
	if code, body := admin.Do(t, "POST", "/api/v1/units", big); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body = %d %s", code, body)
	}
	// Malformed and unknown-field JSON gets 422 with a reason.
	for _, bad := range []string{`{"parent_id":`, `{"parent":"x"}`, `[]`} {
		if code, body := admin.Do(t, "POST", "/api/v1/units", bad); code != http.StatusUnprocessableEntity {
			t.Errorf("bad JSON %s = %d %s", bad, code, body)
		}
	}
}

func TestLoginThrottleOverHTTP(t *testing.T) {
	f := newScopeFixture(t)
	b := f.n.NewBrowser(t)
	for i := range 5 {
		if resp := b.Login(t, "chair.a", fmt.Sprintf("guess-%d", i)); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d = %d", i, resp.StatusCode)
		}
	}
	resp := b.Login(t, "chair.a", "password-a")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("sixth attempt = %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestBearerTokensNeedNoCSRF(t *testing.T) {
	f := newScopeFixture(t)
	admin := f.login(t, "admin.a", "password-a")
	_, body := admin.Do(t, "POST", "/api/v1/tokens", `{"name":"import script"}`)
	var tok struct{ Token string }
	_ = json.Unmarshal([]byte(body), &tok)
	call := func(token, method, path, body string) int {
		req, _ := http.NewRequest(method, f.n.Server.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := call(tok.Token, "POST", "/api/v1/units", `{"parent_id":"`+f.a.ID+`","kind":"primary","name":"ППО"}`); code != 201 {
		t.Errorf("token create unit = %d", code)
	}
	if code := call(tok.Token, "GET", "/api/v1/users/"+f.opB.ID, ""); code != 404 {
		t.Errorf("token reads B's user = %d", code)
	}
	if code := call("phk_forged", "GET", "/api/v1/me", ""); code != 401 {
		t.Errorf("forged token = %d", code)
	}
}

func TestHealthReadinessAndMetrics(t *testing.T) {
	// /metrics is public only behind its token (security_test.go).
	n := hubtest.StartWith(t, hubtest.NewStorage(t), func(c *config.Config) { c.MetricsToken = testMetricsToken })
	b := n.NewBrowser(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		if code, _, _ := get(t, b, p); code != 200 {
			t.Errorf("%s = %d", p, code)
		}
	}
	if code, body := getMetrics(t, b.Base, testMetricsToken); code != 200 || !strings.Contains(body, `profhub_http_requests_total{code="200",route="GET /healthz"}`) {
		t.Errorf("metrics (%d) lack the request counter", code)
	}
	if err := n.KV.Close(); err != nil {
		t.Fatal(err)
	}
	if code, body, _ := get(t, b, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "redis") {
		t.Errorf("readyz with Redis gone = %d %s", code, body)
	}
}

func TestMandatorySecondFactorOverHTTP(t *testing.T) {
	f := newScopeFixture(t)
	if err := f.n.Auth.SetTOTPRequiredRoles(context.Background(), f.n.System, []access.Role{access.Chairman}); err != nil {
		t.Fatal(err)
	}
	b := f.n.NewBrowser(t)
	resp := b.Login(t, "chair.a", "password-a")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login/totp" {
		t.Fatalf("login with mandatory 2FA = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, _ := b.Do(t, "GET", "/api/v1/me", ""); code != http.StatusUnauthorized {
		t.Fatalf("API before the second factor = %d", code)
	}
	if code, _, h := get(t, b, "/"); code != http.StatusSeeOther || h.Get("Location") != "/login/totp" {
		t.Fatalf("page before the second factor = %d %s", code, h.Get("Location"))
	}
	if code, _, h := get(t, b, "/login/totp"); code != http.StatusSeeOther || h.Get("Location") != "/login/totp/enrol" {
		t.Fatalf("unenrolled user not sent to enrolment: %d %s", code, h.Get("Location"))
	}
	if code, body, _ := get(t, b, "/login/totp/enrol"); code != 200 || !strings.Contains(body, "data:image/png;base64,") {
		t.Fatalf("enrolment page = %d", code)
	}
}
