package web_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// allAreas are the main menu's pages (web/menu.go), each with an API
// call of the area that the same permission guards (reading campaigns is
// everyone's — the member timeline lists them —, sending is not: see
// the check of a new campaign below).
var allAreas = []struct{ href, api string }{
	{"/inbox", "/api/v1/inbox/lines"},
	{"/feed", "/api/v1/feed"},
	{"/members", "/api/v1/crm/members"},
	{"/appeals", "/api/v1/crm/appeals"},
	{"/reports", ""}, // its API answers everyone their own figures
	{"/lists", "/api/v1/crm/lists"},
	{"/documents", ""},
	{"/mailings", ""},
	{"/calendar", "/api/v1/calendar/calendars"},
	{"/chat", "/api/v1/chat/chats"},
	{"/absences", "/api/v1/absences"},
	{"/tasks", "/api/v1/tasks"},
	{"/settings", ""},
	{"/help/admin", ""}, // reading articles is everyone's (Ctrl+K in the console); editing is help.edit's
}

var mainMenu = regexp.MustCompile(`(?s)<nav class="main"[^>]*>(.*?)</nav>`)
var menuHref = regexp.MustCompile(`href="([^"]+)"`)

// menuOf is the main menu's links as rendered for b's user.
func menuOf(t *testing.T, b *hubtest.Browser) []string {
	t.Helper()
	code, body, _ := get(t, b, "/")
	m := mainMenu.FindStringSubmatch(body)
	if code != http.StatusOK || m == nil {
		t.Fatalf("home page = %d without a main menu", code)
	}
	var out []string
	for _, h := range menuHref.FindAllStringSubmatch(m[1], -1) {
		out = append(out, h[1])
	}
	return out
}

// TestMenuShowsWhatEachRoleMayOpen renders the menu for every role and
// opens every area: what the menu shows opens (page and API), what it
// hides answers 403 (page and API). An operator has no "Рассылки".
func TestMenuShowsWhatEachRoleMayOpen(t *testing.T) {
	n := hubtest.Start(t)
	unit := n.AddUnit(t, "", org.Committee, "Обком")
	want := map[access.Role][]string{
		access.Administrator: {"/inbox", "/appeals", "/reports", "/help/admin", "/members", "/lists", "/documents", "/mailings", "/feed", "/tasks", "/chat", "/calendar", "/absences", "/settings"},
		access.Chairman:      {"/inbox", "/appeals", "/reports", "/members", "/lists", "/documents", "/mailings", "/feed", "/tasks", "/chat", "/calendar", "/absences", "/settings"},
		access.Deputy:        {"/inbox", "/appeals", "/reports", "/members", "/lists", "/documents", "/mailings", "/feed", "/tasks", "/chat", "/calendar", "/absences", "/settings"},
		access.Secretary:     {"/inbox", "/appeals", "/help/admin", "/members", "/lists", "/documents", "/mailings", "/feed", "/tasks", "/chat", "/calendar", "/absences", "/settings"},
		access.Operator:      {"/inbox", "/appeals", "/members", "/lists", "/documents", "/feed", "/tasks", "/chat", "/calendar", "/absences", "/settings"},
		access.Executor:      {"/inbox", "/appeals", "/members", "/lists", "/documents", "/feed", "/tasks", "/chat", "/calendar", "/absences", "/settings"},
	}
	for _, role := range access.Roles {
		t.Run(string(role), func(t *testing.T) {
			login := "menu." + string(role)
			n.AddUser(t, login, role, unit.ID, "password-menu")
			b := n.NewBrowser(t)
			if resp := b.Login(t, login, "password-menu"); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("login = %d", resp.StatusCode)
			}
			shown := menuOf(t, b)
			if !slices.Equal(shown, want[role]) {
				t.Errorf("menu %v, want %v", shown, want[role])
			}
			for _, a := range allAreas {
				wantStatus := http.StatusForbidden
				if slices.Contains(shown, a.href) {
					wantStatus = http.StatusOK
				}
				if code, body, _ := get(t, b, a.href); code != wantStatus {
					t.Errorf("%s = %d, want %d", a.href, code, wantStatus)
				} else if code == http.StatusForbidden && !strings.Contains(body, "Недостаточно прав") {
					t.Errorf("%s refused without saying why in Russian", a.href)
				}
				if a.api == "" {
					continue
				}
				if code, body, _ := get(t, b, a.api); code != wantStatus {
					t.Errorf("%s = %d, want %d: %s", a.api, code, wantStatus, body)
				}
			}
			code, body := b.Do(t, "POST", "/api/v1/mailing/campaigns", `{"name":"Проверка"}`)
			if refused := code == http.StatusForbidden; refused == slices.Contains(shown, "/mailings") {
				t.Errorf("a new campaign = %d with the menu %v: %s", code, shown, body)
			}
		})
	}
}
