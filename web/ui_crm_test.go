package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web"
)

// TestCRMShellPages: the organisation card and the lists page are signed-in
// shells with their scripts (no inline script: the CSP forbids it), the
// units page links every unit to its card, and the console carries the
// CRM part of the contact pane. Their behaviour is walked in Chromium
// (crm_browser_test.go).
func TestCRMShellPages(t *testing.T) {
	n := hubtest.Start(t)
	u := n.AddUnit(t, "", org.Primary, "ППО «Ромашка»")
	anon := n.NewBrowser(t)
	for _, p := range []string{"/lists", "/organisations/" + u.ID, "/admin/custom-fields", "/members/duplicates", "/members/merge"} {
		if code, _, h := get(t, anon, p); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Errorf("anonymous %s = %d %s", p, code, h.Get("Location"))
		}
	}
	b := n.NewBrowser(t)
	if resp := b.Login(t, "admin", hubtest.AdminPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login = %d", resp.StatusCode)
	}
	for _, c := range []struct{ path, want string }{
		{"/lists", `src="` + web.AssetPath("crm_lists.js") + `"`},
		{"/lists", `href="/lists" class="on"`},
		{"/organisations/" + u.ID, `src="` + web.AssetPath("crm_org.js") + `"`},
		{"/admin/units", `href="/organisations/` + u.ID + `"`},
		{"/inbox", `src="` + web.AssetPath("inbox_crm.js") + `"`},
		{"/inbox", `id="act-appeal"`},
		{"/appeals", `id="a-new-form"`},
		{"/organisations/" + u.ID, `src="` + web.AssetPath("crm_card.js") + `"`},
		{"/members", `src="` + web.AssetPath("crm_member.js") + `"`},
		{"/members", `id="m-new"`},
		{"/members", `src="` + web.AssetPath("crm_saved.js") + `"`},
		{"/members", `id="sf-form"`},
		{"/admin/custom-fields", `src="` + web.AssetPath("crm_fields.js") + `"`},
		{"/settings", `href="/admin/custom-fields"`},
		{"/members", `href="/members/duplicates"`},
		{"/members/duplicates", `src="` + web.AssetPath("crm_dups.js") + `"`},
		{"/members/merge?a=1&b=2", `src="` + web.AssetPath("crm_dups.js") + `"`},
		{"/members/merge?a=1&b=2", `id="mg-form"`},
	} {
		code, body, _ := get(t, b, c.path)
		if code != http.StatusOK || !strings.Contains(body, c.want) {
			t.Errorf("%s = %d, lacks %s", c.path, code, c.want)
		}
		if strings.Contains(body, "<script>") {
			t.Errorf("%s has an inline script", c.path)
		}
	}
	// The scripts are served.
	for _, s := range []string{"inbox_crm.js", "crm_appeal_new.js", "crm_org.js", "crm_lists.js", "crm_card.js", "crm_member.js", "crm_fields.js", "crm_dups.js", "crm_saved.js"} {
		if code, body, _ := get(t, b, "/static/"+s); code != http.StatusOK || !strings.Contains(body, "'use strict'") {
			t.Errorf("/static/%s = %d", s, code)
		}
	}
	// Defining custom fields is the administrator's: an operator is refused
	// the page and sees no link to it.
	n.AddUser(t, "op", "operator", u.ID, "operator-password")
	op := n.NewBrowser(t)
	if resp := op.Login(t, "op", "operator-password"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("operator login = %d", resp.StatusCode)
	}
	if code, _, _ := get(t, op, "/admin/custom-fields"); code != http.StatusForbidden {
		t.Errorf("the operator opens the custom fields page: %d", code)
	}
	if _, body, _ := get(t, op, "/settings"); strings.Contains(body, "/admin/custom-fields") {
		t.Error("the operator is offered the custom fields page")
	}
	// Merging is for those who may delete a card: not the operator.
	for _, p := range []string{"/members/duplicates", "/members/merge"} {
		if code, _, _ := get(t, op, p); code != http.StatusForbidden {
			t.Errorf("the operator opens %s: %d", p, code)
		}
	}
	if _, body, _ := get(t, op, "/members"); strings.Contains(body, "/members/duplicates") {
		t.Error("the operator is offered the duplicates page")
	}
}
