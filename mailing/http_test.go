package mailing_test

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/mailing/mailingtest"
	"github.com/profhub/profhub/org"
)

// The JSON API end to end through a whole hub: a secretary creates a
// list and a campaign, counts, starts and reads the results; bad bodies
// get clear errors; another unit's secretary sees nothing; the one-click
// unsubscribe needs no session and no CSRF token.
func TestMailingAPIOverHTTP(t *testing.T) {
	sink, err := mailingtest.Start("")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	sink.KeepRaw = true
	n := hubtest.Start(t)
	const pw = "secretary-password"
	a := n.AddUnit(t, n.Root.ID, org.Committee, "Обком А")
	b := n.AddUnit(t, n.Root.ID, org.Committee, "Обком Б")
	n.AddUser(t, "chair", access.Chairman, n.Root.ID, pw)
	n.AddUser(t, "secA", access.Secretary, a.ID, pw)
	n.AddUser(t, "secB", access.Secretary, b.ID, pw)
	chair, secA, secB := n.NewBrowser(t), n.NewBrowser(t), n.NewBrowser(t)
	chair.Login(t, "chair", pw)
	secA.Login(t, "secA", pw)
	secB.Login(t, "secB", pw)
	must := func(br *hubtest.Browser, method, path, body string, want int) map[string]any {
		t.Helper()
		code, out := br.Do(t, method, path, body)
		if code != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, code, out, want)
		}
		var v map[string]any
		_ = json.Unmarshal([]byte(out), &v)
		return v
	}
	host, port, _ := net.SplitHostPort(sink.Addr)
	acc := must(chair, "POST", "/api/v1/mailing/accounts", fmt.Sprintf(`{"name":"Федерация","host":%q,"port":%s,"tls":"none",
		"from_address":"news@union.example.org","password":"secret"}`, host, port), 201)
	if _, leaked := acc["password"]; leaked {
		t.Fatal("the account's password came back")
	}
	must(secA, "POST", "/api/v1/mailing/accounts", `{"name":"x","host":"h","port":25,"from_address":"a@b.c"}`, 403)
	list := must(secA, "POST", "/api/v1/mailing/lists", `{"name":"Делегаты"}`, 201)
	var entries []string
	for i := range 20 {
		entries = append(entries, fmt.Sprintf(`{"name":"Орлова Мария %d","email":"d%d@example.net","consents":["email"]}`, i, i))
	}
	must(secA, "POST", "/api/v1/mailing/lists/"+list["id"].(string)+"/entries", `{"entries":[`+strings.Join(entries, ",")+`]}`, 200)
	must(secA, "POST", "/api/v1/mailing/lists/"+list["id"].(string)+"/entries", `{"entries":[{"email":"not an address"}]}`, 422)

	in := fmt.Sprintf(`{"name":"Конференция","channels":["email"],"segments":[{"list_id":%q}],"accounts":[%q],
		"content":{"subject":"Приглашение для {{.GivenName}}","html":"<p>Здравствуйте, {{.GivenName}}!</p>"}}`, list["id"], acc["id"])
	count := must(secA, "POST", "/api/v1/mailing/audience", in, 200)
	if count["total"].(float64) != 20 {
		t.Fatalf("audience %v", count)
	}
	c := must(secA, "POST", "/api/v1/mailing/campaigns", in, 201)
	id := c["id"].(string)
	for name, body := range map[string]string{
		"malformed":     `{"name":`,
		"unknown field": `{"name":"x","color":"red"}`,
		"trailing data": `{"name":"x"} {}`,
	} {
		code, out := secA.Do(t, "POST", "/api/v1/mailing/campaigns", body)
		if code != 422 || !strings.Contains(out, "Неверный формат запроса (JSON)") {
			t.Errorf("%s: %d %s", name, code, out)
		}
	}
	if code, _ := secA.Do(t, "POST", "/api/v1/mailing/campaigns", `{"name":"`+strings.Repeat("x", 13<<20)+`"}`); code != 413 {
		t.Errorf("oversized body: %d", code)
	}
	must(secA, "POST", "/api/v1/mailing/campaigns/"+id+"/explode", "", 422)
	must(secB, "GET", "/api/v1/mailing/campaigns/"+id, "", 404)
	must(secB, "POST", "/api/v1/mailing/campaigns/"+id+"/start", "", 404)
	preview := must(secA, "GET", "/api/v1/mailing/campaigns/"+id+"/preview", "", 200)
	if preview["subject"] != "Приглашение для Мария" {
		t.Fatalf("preview %v", preview)
	}
	must(secA, "POST", "/api/v1/mailing/campaigns/"+id+"/test", `{"to":["me@union.example.org"]}`, 200)
	if sink.Got("me@union.example.org") != 1 {
		t.Fatal("the test send did not arrive")
	}
	// Without the hub's public address the links would have no host: the
	// start is refused, in Russian, naming the setting.
	code, out := secA.Do(t, "POST", "/api/v1/mailing/campaigns/"+id+"/start", "")
	if code != 409 || !strings.Contains(out, "PROFHUB_BASE_URL") || !strings.Contains(out, "публичный адрес") {
		t.Fatalf("start without a base URL: %d %s", code, out)
	}
	if got := must(secA, "GET", "/api/v1/mailing/campaigns/"+id, "", 200)["status"]; got != "draft" {
		t.Fatalf("a refused start left the campaign %v", got)
	}
	n.Config.BaseURL = n.Server.URL
	must(secA, "POST", "/api/v1/mailing/campaigns/"+id+"/start", "", 200)
	deadline := time.Now().Add(20 * time.Second)
	for must(secA, "GET", "/api/v1/mailing/campaigns/"+id, "", 200)["status"] != "finished" {
		if time.Now().After(deadline) {
			t.Fatal("the campaign did not finish")
		}
		time.Sleep(50 * time.Millisecond)
	}
	st := must(secA, "GET", "/api/v1/mailing/campaigns/"+id+"/stats", "", 200)
	if st["total"].(float64) != 20 || st["pending"].(float64) != 0 {
		t.Fatalf("stats %v", st)
	}
	must(secA, "PUT", "/api/v1/mailing/campaigns/"+id, in, 409) // a sent campaign is not edited

	// The one-click unsubscribe from the letter itself: no session, no CSRF.
	raw := string(sink.Raw("d3@example.net"))
	i := strings.Index(raw, "List-Unsubscribe: <")
	link := raw[i+len("List-Unsubscribe: <"):]
	link = link[:strings.Index(link, ">")]
	path := link[strings.Index(link, "/hooks/"):]
	anon := n.NewBrowser(t)
	if code, _ := anon.Do(t, "POST", path, "List-Unsubscribe=One-Click"); code != 200 {
		t.Fatalf("one-click unsubscribe: %d", code)
	}
	var reason string
	if err := n.DB.QueryRow(`SELECT reason FROM mailing_suppressions WHERE address = 'd3@example.net'`).Scan(&reason); err != nil || reason != "unsubscribe" {
		t.Fatalf("suppression: %q %v", reason, err)
	}
}
