package crm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/org"
)

func TestAppealsByHandScopeAndOverdue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		m := f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Орлова", GivenName: "Анна"})
		a, err := f.s.Appeals.CreateAppeal(f.ctx, f.opA1, crm.AppealInput{MemberID: m.ID, Channel: "phone", Subject: " Перерасчёт  зарплаты ",
			Text: "Звонила, просит проверить расчёт"})
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^\d{4}-000001$`).MatchString(a.Number) || a.UnitID != f.a1.ID || a.Status != crm.AppealNew ||
			a.Subject != "Перерасчёт зарплаты" || a.MemberName != "Орлова Анна" || a.DueOn == "" || a.Overdue {
			t.Fatalf("created %+v", a)
		}
		// Setting the due date by hand is the chairman's (access.SetAppealDue).
		b, err := f.s.Appeals.CreateAppeal(f.ctx, f.chairA, crm.AppealInput{Applicant: "Прохожий", Channel: "visit", Subject: "Вступление",
			UnitID: f.a1.ID, DueOn: time.Now().AddDate(0, 0, -2).Format(time.DateOnly)})
		if err != nil || !strings.HasSuffix(b.Number, "-000002") || !b.Overdue {
			t.Fatalf("second = %+v, %v", b, err)
		}

		// Another primary organisation's operator sees nothing of these.
		if _, err := f.s.Appeals.GetAppeal(f.ctx, f.opA2, a.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("other organisation's get = %v", err)
		}
		if page, err := f.s.Appeals.ListAppeals(f.ctx, f.opA2, crm.AppealFilter{}); err != nil || page.Total != 0 {
			t.Errorf("other organisation's list = %+v, %v", page, err)
		}
		if _, err := f.s.Appeals.CreateAppeal(f.ctx, f.opA2, crm.AppealInput{MemberID: m.ID, Subject: "x"}); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("appeal on another organisation's member = %v", err)
		}
		if _, err := f.s.Appeals.UpdateAppeal(f.ctx, f.opA2, a.ID, a.AppealInput); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("other organisation's update = %v", err)
		}
		if page, _ := f.s.Appeals.ListAppeals(f.ctx, f.chairA, crm.AppealFilter{}); page.Total != 2 {
			t.Errorf("the committee's chairman sees %d appeals", page.Total)
		}

		// The overdue view and the filters.
		page, err := f.s.Appeals.ListAppeals(f.ctx, f.opA1, crm.AppealFilter{Overdue: true})
		if err != nil || page.Total != 1 || page.Appeals[0].ID != b.ID {
			t.Errorf("overdue = %+v, %v", page, err)
		}
		if page, _ := f.s.Appeals.ListAppeals(f.ctx, f.opA1, crm.AppealFilter{MemberID: m.ID}); page.Total != 1 || page.Appeals[0].ID != a.ID {
			t.Errorf("by member = %+v", page)
		}
		if page, _ := f.s.Appeals.ListAppeals(f.ctx, f.opA1, crm.AppealFilter{Query: "ПЕРЕРАСЧЕТ"}); page.Total != 1 {
			t.Errorf("search (ё/е, case) = %+v", page)
		}

		// Closing needs a resolution; closed appeals are not overdue.
		in := b.AppealInput
		in.Status = crm.AppealResolved
		if _, err := f.s.Appeals.UpdateAppeal(f.ctx, f.opA1, b.ID, in); !isField(err, "resolution") {
			t.Errorf("resolved without a resolution = %v", err)
		}
		in.Resolution = "Заявление принято"
		if b, err = f.s.Appeals.UpdateAppeal(f.ctx, f.opA1, b.ID, in); err != nil || b.Overdue || b.ClosedAt.IsZero() {
			t.Errorf("resolved = %+v, %v", b, err)
		}
		if page, _ := f.s.Appeals.ListAppeals(f.ctx, f.opA1, crm.AppealFilter{Overdue: true}); page.Total != 0 {
			t.Errorf("overdue after resolving = %d", page.Total)
		}
		for _, bad := range []crm.AppealInput{{Subject: ""}, {Subject: "x", Channel: "fax"}, {Subject: "x", Status: "lost"},
			{Subject: "x", DueOn: "31.12.2026"}, {Subject: "x", Priority: 7}} {
			if _, err := f.s.Appeals.CreateAppeal(f.ctx, f.opA1, bad); err == nil {
				t.Errorf("bad input %+v accepted", bad)
			}
		}
	})
}

func isField(err error, field string) bool {
	ve, ok := valid.As(err)
	return ok && ve.Field == field
}

// TestAppealFromConversation runs the whole flow over HTTP: a member
// writes through an API channel, the operator files an appeal from the
// conversation naming the member, the appeal references the message, the
// conversation finds its appeal, the contact is linked to the member, and
// an operator of another organisation can reach none of it.
func TestAppealFromConversation(t *testing.T) {
	n := hubtest.Start(t)
	ctx := context.Background()
	committee := n.AddUnit(t, "", org.Committee, "Обком")
	school := n.AddUnit(t, committee.ID, org.Primary, "ППО школы")
	other := n.AddUnit(t, committee.ID, org.Primary, "ППО завода")
	op := n.AddUser(t, "op", access.Operator, school.ID, "password-op-1")
	stranger := n.AddUser(t, "stranger", access.Operator, other.ID, "password-op-2")
	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Линия школы", school.ID
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	ch, chToken, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindAPI, Name: "Сайт"})
	if err != nil {
		t.Fatal(err)
	}
	member, err := n.CRM.Members.CreateMember(ctx, n.System, crm.MemberInput{UnitID: school.ID, Surname: "Зайцева", GivenName: "Ольга"}, false)
	if err != nil {
		t.Fatal(err)
	}
	var in inbox.APIInbound
	in.Contact.ID, in.Contact.Name = "c-1", "Ольга З."
	in.Message.ID, in.Message.Text = "m-1", "Здравствуйте! Не начислили отпускные за июль."
	code, body := httpCall(t, n.Server.URL, chToken, "POST", "/hooks/api/"+ch.ID+"/messages", in)
	var res inbox.IngestResult
	if err := json.Unmarshal(body, &res); err != nil || code != http.StatusOK && code != http.StatusAccepted && code != http.StatusCreated {
		t.Fatalf("ingest = %d %s", code, body)
	}
	opTok := apiToken(t, n, op)
	code, body = httpCall(t, n.Server.URL, opTok, "POST", "/api/v1/crm/appeals/from-conversation/"+res.ConversationID,
		map[string]any{"member_id": member.ID, "topic": "оплата труда"})
	var a crm.Appeal
	if err := json.Unmarshal(body, &a); err != nil || code != http.StatusCreated {
		t.Fatalf("appeal from conversation = %d %s", code, body)
	}
	if a.Channel != "api" || a.MemberID != member.ID || a.ConversationID != res.ConversationID || a.UnitID != school.ID ||
		len(a.MessageIDs) != 1 || a.MessageIDs[0] != res.MessageID || !strings.Contains(a.Text, "отпускные") ||
		a.Subject == "" || a.Applicant != "Ольга З." || a.Topic != "оплата труда" {
		t.Fatalf("appeal = %+v", a)
	}
	// The conversation links back, and the contact now leads to the member.
	code, body = httpCall(t, n.Server.URL, opTok, "GET", "/api/v1/crm/appeals?conversation_id="+res.ConversationID, nil)
	if code != http.StatusOK || !strings.Contains(string(body), a.ID) {
		t.Fatalf("appeals of the conversation = %d %s", code, body)
	}
	msgs, err := n.Inbox.Conversations.Messages(ctx, n.System, res.ConversationID, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mustJSON(msgs), member.ID) {
		t.Errorf("no member_linked note in the conversation: %s", mustJSON(msgs))
	}
	// The console's link: the conversation's contact now leads to the card.
	code, body = httpCall(t, n.Server.URL, opTok, "GET", "/api/v1/crm/conversations/"+res.ConversationID+"/member", nil)
	if code != http.StatusOK || !strings.Contains(string(body), `"id":"`+member.ID+`"`) {
		t.Errorf("member of the conversation = %d %s", code, body)
	}
	// A second appeal from the same conversation finds the member itself.
	code, body = httpCall(t, n.Server.URL, opTok, "POST", "/api/v1/crm/appeals/from-conversation/"+res.ConversationID,
		map[string]any{"subject": "Ещё вопрос", "message_ids": []string{res.MessageID}})
	if code != http.StatusCreated || !strings.Contains(string(body), member.ID) {
		t.Errorf("second appeal = %d %s", code, body)
	}
	code, body = httpCall(t, n.Server.URL, opTok, "POST", "/api/v1/crm/appeals/from-conversation/"+res.ConversationID,
		map[string]any{"message_ids": []string{"not-a-message"}})
	if code != http.StatusUnprocessableEntity {
		t.Errorf("unknown message = %d %s", code, body)
	}

	// The member's timeline: the conversation and both appeals, with what
	// a registered source adds, newest first; a failing source is named.
	n.CRM.Timelines.RegisterTimelineSource("calls", fakeCalls{at: time.Now().Add(time.Hour)})
	n.CRM.Timelines.RegisterTimelineSource("broken", fakeCalls{err: errors.New("pbx down")})
	code, body = httpCall(t, n.Server.URL, opTok, "GET", "/api/v1/crm/members/"+member.ID+"/timeline", nil)
	var tl crm.Timeline
	if err := json.Unmarshal(body, &tl); err != nil || code != http.StatusOK {
		t.Fatalf("timeline = %d %s", code, body)
	}
	var kinds []string
	for i, e := range tl.Entries {
		kinds = append(kinds, e.Kind)
		if i > 0 && e.At.After(tl.Entries[i-1].At) {
			t.Errorf("timeline not newest first: %s", body)
		}
	}
	if strings.Join(kinds, ",") != "call,appeal,appeal,conversation" || tl.Failed["broken"] == "" {
		t.Errorf("timeline kinds %v, failed %v", kinds, tl.Failed)
	}

	// An unknown person writes; the operator turns them into a prospect's
	// card, which takes the contact's name, phone and e-mail and is linked.
	var in2 inbox.APIInbound
	in2.Contact.ID, in2.Contact.Name, in2.Contact.Phone, in2.Contact.Email = "c-2", "Белов Игорь Петрович", "8 (917) 000-11-22", "Belov@Example.org"
	in2.Message.ID, in2.Message.Text = "m-2", "Как вступить в профсоюз?"
	_, body = httpCall(t, n.Server.URL, chToken, "POST", "/hooks/api/"+ch.ID+"/messages", in2)
	var res2 inbox.IngestResult
	_ = json.Unmarshal(body, &res2)
	// Nobody is linked yet: the console offers "Make a card".
	if code, body = httpCall(t, n.Server.URL, opTok, "GET", "/api/v1/crm/conversations/"+res2.ConversationID+"/member", nil); code != http.StatusOK || string(bytes.TrimSpace(body)) != `{"member":null}` {
		t.Errorf("member of an unknown contact's conversation = %d %s", code, body)
	}
	code, body = httpCall(t, n.Server.URL, opTok, "POST", "/api/v1/crm/conversations/"+res2.ConversationID+"/card",
		map[string]any{"kind": "prospect"})
	var card crm.Member
	if err := json.Unmarshal(body, &card); err != nil || code != http.StatusCreated {
		t.Fatalf("card from conversation = %d %s", code, body)
	}
	if card.Kind != crm.KindProspect || card.FullName != "Белов Игорь Петрович" || card.UnitID != school.ID ||
		len(card.Phones) != 1 || card.Phones[0] != "+79170001122" || len(card.Emails) != 1 || card.Emails[0] != "belov@example.org" {
		t.Errorf("card = %+v", card)
	}
	if msgs, _ := n.Inbox.Conversations.Messages(ctx, n.System, res2.ConversationID, 0, 50); !strings.Contains(mustJSON(msgs), card.ID) {
		t.Errorf("contact not linked to the new card")
	}
	if code, body = httpCall(t, n.Server.URL, opTok, "POST", "/api/v1/crm/conversations/"+res2.ConversationID+"/card",
		map[string]any{}); code != http.StatusConflict {
		t.Errorf("second card for the same person = %d %s", code, body)
	}
	if code, _ := httpCall(t, n.Server.URL, opTok, "GET", "/api/v1/crm/members?kind=prospect", nil); code != http.StatusOK {
		t.Errorf("kind filter = %d", code)
	}
	if code, _ := httpCall(t, n.Server.URL, opTok, "GET", "/api/v1/crm/members?kind=alien", nil); code != http.StatusUnprocessableEntity {
		t.Errorf("bad kind filter = %d", code)
	}

	strTok := apiToken(t, n, stranger)
	if code, _ := httpCall(t, n.Server.URL, strTok, "POST", "/api/v1/crm/conversations/"+res2.ConversationID+"/card", map[string]any{}); code != http.StatusNotFound {
		t.Errorf("stranger's card from conversation = %d", code)
	}
	if code, _ := httpCall(t, n.Server.URL, strTok, "GET", "/api/v1/crm/conversations/"+res.ConversationID+"/member", nil); code != http.StatusNotFound {
		t.Errorf("stranger's member of a conversation = %d", code)
	}
	if code, _ := httpCall(t, n.Server.URL, strTok, "GET", "/api/v1/crm/members/"+member.ID+"/timeline", nil); code != http.StatusNotFound {
		t.Errorf("stranger's timeline = %d", code)
	}
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/crm/appeals/" + a.ID},
		{"PATCH", "/api/v1/crm/appeals/" + a.ID},
		{"POST", "/api/v1/crm/appeals/from-conversation/" + res.ConversationID},
	} {
		if code, body := httpCall(t, n.Server.URL, strTok, c.method, c.path, map[string]any{"subject": "x"}); code != http.StatusNotFound {
			t.Errorf("stranger %s %s = %d %s", c.method, c.path, code, body)
		}
	}
	if code, body := httpCall(t, n.Server.URL, strTok, "GET", "/api/v1/crm/appeals", nil); code != http.StatusOK || strings.Contains(string(body), a.ID) {
		t.Errorf("stranger's list = %d %s", code, body)
	}
}

// fakeCalls stands for the telephony package's timeline source.
type fakeCalls struct {
	at  time.Time
	err error
}

func (f fakeCalls) MemberTimeline(_ context.Context, _ access.Scope, m crm.Member, _ time.Time, _ int) ([]crm.TimelineEntry, error) {
	if f.err != nil {
		return nil, f.err
	}
	return []crm.TimelineEntry{{At: f.at, Kind: "call", ID: "call-" + m.ID, Title: "Входящий звонок"}}, nil
}

func apiToken(t *testing.T, n *hubtest.Node, u org.User) string {
	t.Helper()
	secret, _, err := n.Auth.CreateToken(context.Background(), n.System, u.ID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func httpCall(t *testing.T, base, token, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
