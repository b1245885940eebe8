package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/browsertest"
)

// TestSidePanelInChromium walks the console's side panel in real Chromium
// (web/browsertest/panel.test.mjs): a site visitor's pre-chat form (name,
// phone) shown to the operator, the card with that phone proposed (not
// the card of another organisation with the same phone) and linked with
// one click; a second visitor's proposal dismissed; the conversation's
// custom fields filled, refused in Russian beside the field, saved.
func TestSidePanelInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	school := n.AddUnit(t, n.Root.ID, org.Primary, "ППО школы № 12")
	other := n.AddUnit(t, n.Root.ID, org.Primary, "ППО завода «Гидропресс»")
	op := n.AddUser(t, "operator", access.Operator, school.ID, "operator-password")
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Сайт школы", school.ID, inbox.Manual
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	ch, _, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindWidget, Name: "Чат на сайте"})
	if err != nil {
		t.Fatal(err)
	}
	add := func(unit, surname, given, patronymic, phone string) crm.Member {
		m, err := n.CRM.Members.CreateMember(ctx, n.System, crm.MemberInput{UnitID: unit, Surname: surname, GivenName: given,
			Patronymic: patronymic, BirthDate: "1984-03-15", Phones: []string{phone}}, true)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	add(school.ID, "Соколова", "Ирина", "Павловна", "+79225550101")
	add(other.ID, "Соколова", "Ирина", "Викторовна", "+79225550101") // outside the operator's scope
	add(school.ID, "Белов", "Андрей", "Сергеевич", "+79225550202")
	visitor := func(name, contact, text string) string {
		b, _ := json.Marshal(map[string]any{"name": name, "contact": contact, "consent": true, "text": text})
		req, _ := http.NewRequest("POST", n.Server.URL+"/widget/v1/offline/"+ch.ID, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", n.Server.URL)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			ConversationID string `json:"conversation_id"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("offline form: %d %v", resp.StatusCode, err)
		}
		return out.ConversationID
	}
	for _, in := range []crm.CustomFieldInput{
		{Entity: crm.EntityConversation, Key: "tema", Label: "Тема обращения", Kind: crm.CustomChoice, Required: true,
			Choices: []string{"Зарплата", "Отпуск", "Материальная помощь", "Охрана труда"}, Order: 1},
		{Entity: crm.EntityConversation, Key: "summa", Label: "Сумма помощи, ₽", Kind: crm.CustomNumber, Order: 2},
		{Entity: crm.EntityConversation, Key: "perezvonit", Label: "Перезвонить", Kind: crm.CustomDate, Order: 3},
	} {
		if _, err := n.CRM.CustomFields.CreateCustomField(ctx, n.System, in); err != nil {
			t.Fatal(err)
		}
	}
	first := visitor("Ирина Соколова", "8 (922) 555-01-01", "Здравствуйте! Когда выплатят материальную помощь к отпуску?")
	second := visitor("Андрей", "8 922 555-02-02", "Добрый день, как вступить в профсоюз?")
	browsertest.Run(t, browsertest.Script{Name: "panel.test.mjs", Base: n.Server.URL,
		Env: []string{"PROFHUB_PASSWORD=operator-password", "CONV_LINK=" + first, "CONV_DISMISS=" + second}})

	var linked string
	if err := n.DB.QueryRow(`SELECT c.member_id FROM inbox_conversations v JOIN inbox_contacts c ON c.id = v.contact_id WHERE v.id = $1`, first).Scan(&linked); err != nil || linked == "" {
		t.Fatalf("the first visitor is not linked: %q %v", linked, err)
	}
	var custom string
	if err := n.DB.QueryRow(`SELECT custom FROM crm_conversation_custom WHERE conversation_id = $1`, first).Scan(&custom); err != nil ||
		custom != `{"perezvonit":"2026-12-21","summa":15000,"tema":"Материальная помощь"}` {
		t.Fatalf("the conversation's fields: %s %v", custom, err)
	}
	var dismissed int
	if err := n.DB.QueryRow(`SELECT COUNT(*) FROM crm_link_dismissals`).Scan(&dismissed); err != nil || dismissed != 1 {
		t.Fatalf("dismissals = %d %v", dismissed, err)
	}
}

// TestWidgetDemoInChromium: the administrator's home page links the site
// chat's demo page (web/browsertest/widgetdemo.test.mjs), a union website
// with the widget embedded; a visitor leaves a question there with a
// member's phone written their way, and the operator is offered that
// member's card.
func TestWidgetDemoInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	plant := n.AddUnit(t, n.Root.ID, org.Primary, "ППО АО «Уральская Сталь»")
	n.AddUser(t, "chief", access.Administrator, n.Root.ID, "admin-password")
	op := n.AddUser(t, "operator", access.Operator, n.Root.ID, "admin-password")
	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Горячая линия", n.Root.ID
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindWidget, Name: "Чат на сайте федерации",
		Settings: map[string]string{"prechat": "name,contact,topic", "colour": "#b3202c"}}); err != nil {
		t.Fatal(err)
	}
	m, err := n.CRM.Members.CreateMember(ctx, n.System, crm.MemberInput{UnitID: plant.ID, Surname: "Петров", GivenName: "Дмитрий",
		Patronymic: "Александрович", Phones: []string{"+79871150377"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "widgetdemo.test.mjs", Base: n.Server.URL, Env: []string{"PROFHUB_PASSWORD=admin-password"}})

	convs, err := n.Inbox.Conversations.List(ctx, n.System, inbox.ConversationFilter{ChannelKind: inbox.KindWidget})
	if err != nil || len(convs) != 1 {
		t.Fatalf("widget conversations: %d %v", len(convs), err)
	}
	c, err := n.CRM.ConversationPanel.Contact(ctx, op.Scope("test"), convs[0].ID)
	if err != nil || !c.FromForm || c.Name != "Дмитрий" || c.Phone != "+79871150377" || len(c.Proposals) != 1 || c.Proposals[0].MemberID != m.ID {
		t.Fatalf("the visitor in the side panel: %+v %v", c, err)
	}
}
