package mailing_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/mailing/mailingtest"
	"github.com/profhub/profhub/org"
)

// The block editor's API through a whole hub: variables with the custom
// fields, templates kept within the subtree, pictures checked by their
// bytes and served publicly, sample recipients of a segment, a block
// letter previewed with a member's data and tested to oneself.
func TestBlockEditorAPIOverHTTP(t *testing.T) {
	sink, err := mailingtest.Start("")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	sink.KeepRaw = true
	n := hubtest.Start(t)
	ctx := t.Context()
	const pw = "secretary-password"
	a := n.AddUnit(t, n.Root.ID, org.Committee, "Обком А")
	b := n.AddUnit(t, n.Root.ID, org.Committee, "Обком Б")
	secA := n.AddUser(t, "secA", access.Secretary, a.ID, pw)
	n.AddUser(t, "secB", access.Secretary, b.ID, pw)
	n.AddUser(t, "op", access.Operator, a.ID, pw)
	mine := "seca@union.example.org"
	if _, err := n.Org.UpdateUser(ctx, n.System, secA.ID, org.UserChanges{Email: &mine}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.CRM.CustomFields.CreateCustomField(ctx, n.System, crm.CustomFieldInput{Entity: crm.EntityMember, Key: "stazh",
		Label: "Стаж в профсоюзе", Kind: crm.CustomNumber}); err != nil {
		t.Fatal(err)
	}
	m, err := n.CRM.Members.CreateMember(ctx, n.System, crm.MemberInput{UnitID: a.ID, Surname: "Орлова", GivenName: "Мария", Patronymic: "Ивановна",
		Emails: []string{"orlova@example.net"}, Custom: map[string]any{"stazh": "12"},
		Consents: crm.Consents{Mailings: map[string]crm.Consent{"email": {Given: true, Date: "2026-01-10", Source: "form"}}}}, true)
	if err != nil {
		t.Fatal(err)
	}
	br := map[string]*hubtest.Browser{}
	for _, l := range []string{"secA", "secB", "op"} {
		br[l] = n.NewBrowser(t)
		br[l].Login(t, l, pw)
	}
	must := func(who, method, path, body string, want int) map[string]any {
		t.Helper()
		code, out := br[who].Do(t, method, path, body)
		if code != want {
			t.Fatalf("%s %s %s: %d %s, want %d", who, method, path, code, out, want)
		}
		var v map[string]any
		_ = json.Unmarshal([]byte(out), &v)
		return v
	}

	vars := must("secA", "GET", "/api/v1/mailing/variables", "", 200)
	if s := fmt.Sprint(vars["variables"]); !strings.Contains(s, "label:Имя и отчество") || !strings.Contains(s, "label:Стаж в профсоюзе") {
		t.Fatalf("variables %s", s)
	}
	must("op", "GET", "/api/v1/mailing/variables", "", 403)

	blocks := `[{"type":"heading","text":"Здравствуйте, {{Имя и отчество}}!"},{"type":"text","text":"<p>Стаж: <b>{{Стаж в профсоюзе}}</b> <script>x()</script></p>"},
		{"type":"button","text":"Программа","url":"https://union.example.org/p"}]`
	tpl := must("secA", "POST", "/api/v1/mailing/templates", `{"name":"Приглашение","subject":"Для {{Имя}}","blocks":`+blocks+`}`, 201)
	id := tpl["id"].(string)
	if s := fmt.Sprint(tpl["blocks"]); strings.Contains(s, "script") {
		t.Fatalf("the template kept a script: %s", s)
	}
	must("secA", "POST", "/api/v1/mailing/templates", `{"name":" ","blocks":`+blocks+`}`, 422)
	must("secA", "POST", "/api/v1/mailing/templates", `{"name":"x","blocks":[{"type":"button","text":"x","url":"javascript:alert(1)"}]}`, 422)
	must("secB", "GET", "/api/v1/mailing/templates/"+id, "", 404)
	must("secB", "DELETE", "/api/v1/mailing/templates/"+id, "", 404)
	if ts := must("secB", "GET", "/api/v1/mailing/templates", "", 200)["templates"].([]any); len(ts) != 0 {
		t.Fatalf("another committee sees %v", ts)
	}
	must("op", "GET", "/api/v1/mailing/templates", "", 403)

	// Pictures: sniffed, not trusted by name; served without a session.
	upload := func(body []byte) (int, map[string]any) {
		req, _ := http.NewRequest("POST", n.Server.URL+"/api/v1/mailing/images", bytes.NewReader(body))
		req.Header.Set("Content-Type", "image/png")
		req.Header.Set("X-CSRF-Token", br["secA"].CSRF)
		resp, err := br["secA"].Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v
	}
	if code, _ := upload([]byte("<script>alert(1)</script>")); code != 422 {
		t.Fatalf("a script as a picture: %d", code)
	}
	var pic bytes.Buffer
	_ = png.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 4, 4)))
	code, img := upload(pic.Bytes())
	if code != 201 || !strings.HasPrefix(img["src"].(string), "/hooks/mailing/images/") {
		t.Fatalf("upload: %d %v", code, img)
	}
	resp, err := http.Get(n.Server.URL + img["src"].(string))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !bytes.Equal(got, pic.Bytes()) {
		t.Fatalf("the picture served: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	// A block campaign: recipients to preview as, the letter, a test to oneself.
	host, port, _ := net.SplitHostPort(sink.Addr)
	pn, _ := strconv.Atoi(port)
	acc, err := n.Mailing.Accounts.CreateAccount(ctx, n.System, mailing.SMTPAccount{Name: "Федерация", Host: host, Port: pn, TLS: "none",
		FromAddress: "news@union.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	// The browser's var_fields are replaced by what the server finds.
	in := fmt.Sprintf(`{"name":"Блоки","channels":["email"],"segments":[{"filter":{"unit_id":%q}}],"accounts":[%q],
		"content":{"subject":"Для {{Имя}}","var_fields":{"Злой":"x\" }}{{.Name"},"blocks":%s}}`, a.ID, acc.ID,
		strings.TrimSuffix(blocks, "]")+`,{"type":"image","src":"`+img["src"].(string)+`","alt":"Зал"}]`)
	rs := must("secA", "POST", "/api/v1/mailing/recipients", in, 200)["recipients"].([]any)
	if len(rs) != 1 || rs[0].(map[string]any)["member_id"] != m.ID {
		t.Fatalf("recipients %v", rs)
	}
	c := must("secA", "POST", "/api/v1/mailing/campaigns", in, 201)
	cid := c["id"].(string)
	if vf := fmt.Sprint(c["content"].(map[string]any)["var_fields"]); vf != "map[Стаж в профсоюзе:stazh]" {
		t.Fatalf("var_fields from the browser were kept: %s", vf)
	}
	p := must("secA", "GET", "/api/v1/mailing/campaigns/"+cid+"/preview?member_id="+m.ID, "", 200)
	if p["subject"] != "Для Мария" || !strings.Contains(p["html"].(string), "Здравствуйте, Мария Ивановна!") ||
		!strings.Contains(p["html"].(string), "<b>12</b>") || !strings.Contains(p["text"].(string), "Программа: https://union.example.org/p") {
		t.Fatalf("preview %v", p)
	}
	code, letter := br["secA"].Do(t, "GET", "/api/v1/mailing/campaigns/"+cid+"/letter?member_id="+m.ID, "")
	if code != 200 || !strings.Contains(letter, `width="600"`) {
		t.Fatalf("letter %d", code)
	}
	sent := must("secA", "POST", "/api/v1/mailing/campaigns/"+cid+"/test", `{"to_me":true,"member_id":"`+m.ID+`"}`, 200)
	if fmt.Sprint(sent["to"]) != "[seca@union.example.org]" || sink.Got(mine) != 1 {
		t.Fatalf("test to me: %v, sink %d", sent, sink.Got(mine))
	}
	if st := must("secA", "GET", "/api/v1/mailing/campaigns/"+cid+"/stats", "", 200); st["total"].(float64) != 0 {
		t.Fatalf("the test letter is in the ledger: %v", st)
	}
	must("secB", "POST", "/api/v1/mailing/campaigns/"+cid+"/test", `{"to_me":true}`, 422) // she has no address of her own
	must("secB", "POST", "/api/v1/mailing/campaigns/"+cid+"/test", `{"to":["b@example.net"]}`, 404)
	must("secA", "DELETE", "/api/v1/mailing/templates/"+id, "", 200)
	must("secA", "GET", "/api/v1/mailing/templates/"+id, "", 404)
}
