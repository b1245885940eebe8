package crm_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
)

// The console lists conversations by a conversation field's value (read
// as the field's type: 12 does not find 120), and the conversations
// export carries the fields as columns; an unknown field or a value of
// the wrong type is refused in Russian; another organisation's operator
// exports none of them.
func TestConversationFieldsInFiltersAndExport(t *testing.T) {
	p := newPanelNode(t)
	ctx := context.Background()
	for _, in := range []crm.CustomFieldInput{
		{Entity: crm.EntityConversation, Key: "tema", Label: "Тема обращения", Kind: crm.CustomChoice, Choices: []string{"Зарплата", "Отпуск"}, Order: 1},
		{Entity: crm.EntityConversation, Key: "summa", Label: "Сумма, ₽", Kind: crm.CustomNumber, Order: 2},
	} {
		if _, err := p.n.CRM.CustomFields.CreateCustomField(ctx, p.n.System, in); err != nil {
			t.Fatal(err)
		}
	}
	set := func(conv string, values map[string]any) {
		t.Helper()
		if code, body := httpCall(t, p.n.Server.URL, p.opTok, "PUT", "/api/v1/crm/conversations/"+conv+"/fields", map[string]any{"values": values}); code != 200 {
			t.Fatalf("set fields = %d %s", code, body)
		}
	}
	pay, leave, bare := p.write(t, "c-1", "Ольга", "", ""), p.write(t, "c-2", "Ирина", "", ""), p.write(t, "c-3", "Анна", "", "")
	set(pay, map[string]any{"tema": "Зарплата", "summa": "12"})
	set(leave, map[string]any{"tema": "Отпуск", "summa": "120"})

	list := func(query string) []string {
		t.Helper()
		code, body := httpCall(t, p.n.Server.URL, p.opTok, "GET", "/api/v1/inbox/conversations?"+query, nil)
		var r struct{ Conversations []inbox.Conversation }
		if json.Unmarshal(body, &r) != nil || code != 200 {
			t.Fatalf("list %s = %d %s", query, code, body)
		}
		var ids []string
		for _, c := range r.Conversations {
			ids = append(ids, c.ID)
		}
		return ids
	}
	if got := list("custom.tema=" + "%D0%97%D0%B0%D1%80%D0%BF%D0%BB%D0%B0%D1%82%D0%B0"); len(got) != 1 || got[0] != pay {
		t.Fatalf("by tema = Зарплата: %v", got)
	}
	if got := list("custom.summa=12"); len(got) != 1 || got[0] != pay {
		t.Fatalf("by summa = 12: %v (120 must not match)", got)
	}
	if got := list("custom.summa=120&q=%D0%98%D1%80%D0%B8%D0%BD%D0%B0"); len(got) != 1 || got[0] != leave {
		t.Fatalf("by summa with a name: %v", got)
	}
	for query, msg := range map[string]string{
		"custom.nope=1":                "Такого дополнительного поля нет",
		"custom.summa=много":           "«Сумма, ₽»: нужно число",
		"custom.tema=x&custom.summa=1": "",
	} {
		code, body := httpCall(t, p.n.Server.URL, p.opTok, "GET", "/api/v1/inbox/conversations?"+strings.ReplaceAll(query, "много", "%D0%BC%D0%BD%D0%BE%D0%B3%D0%BE"), nil)
		if code != http.StatusUnprocessableEntity || !strings.Contains(string(body), msg) {
			t.Errorf("%s = %d %s", query, code, body)
		}
	}

	code, body := httpCall(t, p.n.Server.URL, p.opTok, "GET", "/api/v1/inbox/conversations/export?format=csv", nil)
	csv := string(body)
	if code != 200 || !strings.Contains(csv, "Тема обращения;Сумма, ₽") || !strings.Contains(csv, pay+";Зарплата;12") ||
		!strings.Contains(csv, leave+";Отпуск;120") || !strings.Contains(csv, bare+";;") {
		t.Fatalf("export = %d %s", code, csv)
	}
	code, body = httpCall(t, p.n.Server.URL, p.opTok, "GET", "/api/v1/inbox/conversations/export?format=csv&custom.tema=%D0%9E%D1%82%D0%BF%D1%83%D1%81%D0%BA", nil)
	if code != 200 || strings.Contains(string(body), pay) || !strings.Contains(string(body), leave) {
		t.Fatalf("filtered export = %d %s", code, body)
	}
	code, body = httpCall(t, p.n.Server.URL, p.opTok, "GET", "/api/v1/inbox/conversations/export", nil)
	if code != 200 || !strings.HasPrefix(string(body), "PK") {
		t.Fatalf("xlsx export = %d", code)
	}
	code, body = httpCall(t, p.n.Server.URL, p.strangeTok, "GET", "/api/v1/inbox/conversations/export?format=csv", nil)
	if code != 200 || strings.Contains(string(body), pay) || strings.Contains(string(body), "Зарплата") {
		t.Fatalf("another organisation's export = %d %s", code, body)
	}
	var audited int
	_ = p.n.DB.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'inbox.conversations_export'`).Scan(&audited)
	if audited != 4 {
		t.Errorf("%d exports audited, want 4", audited)
	}
}
