package crm_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// panelNode is a committee with two primary organisations, an operator
// of the first (with a line and an API channel there) and one of the
// second.
type panelNode struct {
	n                 *hubtest.Node
	school, other     org.Unit
	opTok, strangeTok string
	channelID, chTok  string
}

func newPanelNode(t *testing.T) panelNode {
	t.Helper()
	n := hubtest.Start(t)
	ctx := context.Background()
	committee := n.AddUnit(t, "", org.Committee, "Обком")
	p := panelNode{n: n, school: n.AddUnit(t, committee.ID, org.Primary, "ППО школы"), other: n.AddUnit(t, committee.ID, org.Primary, "ППО завода")}
	op := n.AddUser(t, "op", access.Operator, p.school.ID, "password-op-1")
	stranger := n.AddUser(t, "stranger", access.Operator, p.other.ID, "password-op-2")
	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Линия школы", p.school.ID
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	ch, tok, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindAPI, Name: "Сайт"})
	if err != nil {
		t.Fatal(err)
	}
	p.channelID, p.chTok, p.opTok, p.strangeTok = ch.ID, tok, apiToken(t, n, op), apiToken(t, n, stranger)
	return p
}

// write makes a conversation of a contact who gave a phone and an e-mail.
func (p panelNode) write(t *testing.T, id, name, phone, email string) string {
	t.Helper()
	var in inbox.APIInbound
	in.Contact.ID, in.Contact.Name, in.Contact.Phone, in.Contact.Email = id, name, phone, email
	in.Message.ID, in.Message.Text = id+"-m1", "Здравствуйте, вопрос о взносах"
	code, body := httpCall(t, p.n.Server.URL, p.chTok, "POST", "/hooks/api/"+p.channelID+"/messages", in)
	var res inbox.IngestResult
	if err := json.Unmarshal(body, &res); err != nil || code >= 300 {
		t.Fatalf("ingest = %d %s", code, body)
	}
	return res.ConversationID
}

func (p panelNode) contact(t *testing.T, convID string) crm.PanelContact {
	t.Helper()
	code, body := httpCall(t, p.n.Server.URL, p.opTok, "GET", "/api/v1/crm/conversations/"+convID+"/contact", nil)
	var c crm.PanelContact
	if err := json.Unmarshal(body, &c); err != nil || code != http.StatusOK {
		t.Fatalf("contact = %d %s", code, body)
	}
	return c
}

func proposed(c crm.PanelContact) map[string]string {
	out := map[string]string{}
	for _, p := range c.Proposals {
		out[p.MemberID] = p.MatchedBy
	}
	return out
}

// TestLinkProposals: the contact's phone (in another form) and e-mail
// (in other case) propose the cards of the operator's scope that have
// them, never a card of another organisation; the operator dismisses
// one, cannot confirm a card not proposed, and links the other with one
// call, after which nothing is proposed and the conversation leads to it.
func TestLinkProposals(t *testing.T) {
	p := newPanelNode(t)
	ctx := context.Background()
	add := func(unit, surname string, phones, emails []string) crm.Member {
		m, err := p.n.CRM.Members.CreateMember(ctx, p.n.System, crm.MemberInput{UnitID: unit, Surname: surname, GivenName: "Ольга",
			Phones: phones, Emails: emails}, true)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	byPhone := add(p.school.ID, "Зайцева", []string{"+7 912 345-67-89"}, nil)
	byEmail := add(p.school.ID, "Зайцева-Петрова", nil, []string{"olga@example.ru"})
	outside := add(p.other.ID, "Зайцева", []string{"+79123456789"}, []string{"olga@example.ru"})
	add(p.school.ID, "Иванова", []string{"+79120000000"}, nil)

	conv := p.write(t, "c-1", "Ольга", "8 (912) 345-67-89", "Olga@Example.ru")
	c := p.contact(t, conv)
	if c.Name != "Ольга" || c.Phone == "" || c.Email == "" || c.MemberID != "" || c.FromForm {
		t.Fatalf("contact = %+v", c)
	}
	if got := proposed(c); len(got) != 2 || got[byPhone.ID] != "phone" || got[byEmail.ID] != "email" {
		t.Fatalf("proposals = %+v (outside: %s)", c.Proposals, outside.ID)
	}
	// Another organisation's operator cannot even see the conversation.
	if code, _ := httpCall(t, p.n.Server.URL, p.strangeTok, "GET", "/api/v1/crm/conversations/"+conv+"/contact", nil); code != http.StatusNotFound {
		t.Errorf("stranger's contact = %d", code)
	}
	base := "/api/v1/crm/conversations/" + conv + "/contact"
	if code, body := httpCall(t, p.n.Server.URL, p.opTok, "POST", base+"/link", map[string]string{"member_id": outside.ID}); code != http.StatusUnprocessableEntity {
		t.Errorf("link outside the scope = %d %s", code, body)
	}
	if code, body := httpCall(t, p.n.Server.URL, p.opTok, "DELETE", base+"/proposals/"+byEmail.ID, nil); code != http.StatusNoContent {
		t.Fatalf("dismiss = %d %s", code, body)
	}
	if got := proposed(p.contact(t, conv)); len(got) != 1 || got[byPhone.ID] == "" {
		t.Fatalf("after dismissing = %+v", got)
	}
	if code, body := httpCall(t, p.n.Server.URL, p.opTok, "POST", base+"/link", map[string]string{"member_id": byEmail.ID}); code != http.StatusUnprocessableEntity {
		t.Errorf("link a dismissed card = %d %s", code, body)
	}
	code, body := httpCall(t, p.n.Server.URL, p.opTok, "POST", base+"/link", map[string]string{"member_id": byPhone.ID})
	if code != http.StatusOK {
		t.Fatalf("link = %d %s", code, body)
	}
	if c := p.contact(t, conv); c.MemberID != byPhone.ID || len(c.Proposals) != 0 {
		t.Errorf("after linking = %+v", c)
	}
	code, body = httpCall(t, p.n.Server.URL, p.opTok, "GET", "/api/v1/crm/conversations/"+conv+"/member", nil)
	var linked struct{ Member crm.Member }
	if json.Unmarshal(body, &linked) != nil || code != http.StatusOK || linked.Member.ID != byPhone.ID {
		t.Errorf("member of the conversation = %d %s", code, body)
	}
	// The inbox records the link as for any channel.
	msgs, err := p.n.Inbox.Conversations.Messages(ctx, p.n.System, conv, 0, 50)
	if err != nil || !strings.Contains(mustJSON(msgs), byPhone.ID) {
		t.Errorf("no member_linked note: %v %s", err, mustJSON(msgs))
	}

	// A contact with nothing that matches gets no proposal.
	if c := p.contact(t, p.write(t, "c-2", "Пётр", "+7 900 111-22-33", "")); len(c.Proposals) != 0 {
		t.Errorf("unmatched proposals = %+v", c.Proposals)
	}
}

// TestConversationFields: the custom fields of the entity "conversation"
// that apply to the conversation's organisation are shown with their
// values and edited like a card's: typed, normalised, a required field
// enforced on edit, each refusal naming the field in Russian; another
// organisation's operator reaches none of it.
func TestConversationFields(t *testing.T) {
	p := newPanelNode(t)
	ctx := context.Background()
	for _, in := range []crm.CustomFieldInput{
		{Entity: crm.EntityConversation, Key: "tema", Label: "Тема обращения", Kind: crm.CustomChoice, Required: true,
			Choices: []string{"Зарплата", "Отпуск", "Охрана труда"}, Order: 1},
		{Entity: crm.EntityConversation, Key: "summa", Label: "Сумма, ₽", Kind: crm.CustomNumber, Order: 2},
		{Entity: crm.EntityConversation, Key: "perezvonit", Label: "Перезвонить", Kind: crm.CustomDate, Order: 3},
		{Entity: crm.EntityConversation, Key: "zavod", Label: "Цех", Kind: crm.CustomText, UnitID: p.other.ID}, // another subtree
		{Entity: crm.EntityMember, Key: "stazh", Label: "Стаж", Kind: crm.CustomNumber},                        // another entity
	} {
		if _, err := p.n.CRM.CustomFields.CreateCustomField(ctx, p.n.System, in); err != nil {
			t.Fatal(err)
		}
	}
	conv := p.write(t, "c-1", "Ольга", "", "")
	path := "/api/v1/crm/conversations/" + conv + "/fields"
	code, body := httpCall(t, p.n.Server.URL, p.opTok, "GET", path, nil)
	var got crm.ConversationFields
	if json.Unmarshal(body, &got) != nil || code != http.StatusOK || len(got.Fields) != 3 || got.Fields[0].Key != "tema" || len(got.Values) != 0 {
		t.Fatalf("fields = %d %s", code, body)
	}
	refused := []struct {
		values map[string]any
		field  string
		msg    string
	}{
		{map[string]any{"summa": "12,5"}, "custom.tema", "«Тема обращения»"},
		{map[string]any{"tema": "Зарплата", "summa": "много"}, "custom.summa", "«Сумма, ₽»: нужно число"},
		{map[string]any{"tema": "Пенсия"}, "custom.tema", "«Тема обращения»: выберите"},
		{map[string]any{"tema": "Отпуск", "perezvonit": "завтра"}, "custom.perezvonit", "«Перезвонить»: нужна дата"},
	}
	for _, tc := range refused {
		code, body := httpCall(t, p.n.Server.URL, p.opTok, "PUT", path, map[string]any{"values": tc.values})
		var e struct {
			Error struct{ Field, Message string }
		}
		_ = json.Unmarshal(body, &e)
		if code != http.StatusUnprocessableEntity || e.Error.Field != tc.field || !strings.Contains(e.Error.Message, tc.msg) {
			t.Errorf("%v: %d %s", tc.values, code, body)
		}
	}
	code, body = httpCall(t, p.n.Server.URL, p.opTok, "PUT", path, map[string]any{"values": map[string]any{"tema": "отпуск", "summa": "12 500,5", "perezvonit": "20.12.2026"}})
	if json.Unmarshal(body, &got) != nil || code != http.StatusOK || got.Values["tema"] != "Отпуск" || got.Values["summa"] != 12500.5 ||
		got.Values["perezvonit"] != "2026-12-20" {
		t.Fatalf("set = %d %s", code, body)
	}
	// Clearing an optional field keeps the others; clearing the required one is refused.
	code, body = httpCall(t, p.n.Server.URL, p.opTok, "PUT", path, map[string]any{"values": map[string]any{"summa": nil}})
	got = crm.ConversationFields{}
	if json.Unmarshal(body, &got) != nil || code != http.StatusOK || got.Values["summa"] != nil || got.Values["tema"] != "Отпуск" {
		t.Fatalf("clear = %d %s", code, body)
	}
	if code, body := httpCall(t, p.n.Server.URL, p.opTok, "PUT", path, map[string]any{"values": map[string]any{"tema": ""}}); code != http.StatusUnprocessableEntity {
		t.Errorf("clear the required field = %d %s", code, body)
	}
	code, body = httpCall(t, p.n.Server.URL, p.opTok, "GET", path, nil)
	got = crm.ConversationFields{}
	if json.Unmarshal(body, &got) != nil || code != http.StatusOK || got.Values["tema"] != "Отпуск" || got.Values["perezvonit"] != "2026-12-20" {
		t.Fatalf("stored = %d %s", code, body)
	}
	for _, m := range []string{"GET", "PUT"} {
		if code, _ := httpCall(t, p.n.Server.URL, p.strangeTok, m, path, map[string]any{"values": map[string]any{"tema": "Отпуск"}}); code != http.StatusNotFound {
			t.Errorf("stranger's %s = %d", m, code)
		}
	}
}
