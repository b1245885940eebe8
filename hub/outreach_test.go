package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/testkit/tgtest"
	"github.com/profhub/profhub/org"
)

// outreachEnv is a hub with a Telegram bot on a fake Bot API, a line of
// one primary organisation answered by an operator of it, and members
// whose Telegram chats are linked to their cards.
type outreachEnv struct {
	n     *hubtest.Node
	tg    *tgtest.Server
	ch    inbox.Channel
	op    org.User
	opTok string
	home  org.Unit // the operator's organisation
	other org.Unit // outside the operator's scope
}

func newOutreachEnv(t *testing.T) *outreachEnv {
	t.Helper()
	tg := tgtest.New(t) // first: its cleanup runs after the hub's
	n := hubtest.Start(t)
	n.Config.BaseURL = n.Server.URL
	ctx := context.Background()
	e := &outreachEnv{n: n, tg: tg}
	e.home = n.AddUnit(t, n.Root.ID, org.Primary, "ППО завода")
	e.other = n.AddUnit(t, n.Root.ID, org.Primary, "ППО школы")
	e.op = n.AddUser(t, "op1", access.Operator, e.home.ID, "password-1")
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Завод", e.home.ID, inbox.Manual
	l.Operators = []inbox.LineOperator{{UserID: e.op.ID}}
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	if e.ch, _, err = n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindTelegram, Name: "Бот",
		Settings: map[string]string{"mode": "webhook", "api_url": tg.URL}, Secrets: map[string]string{"bot_token": tg.Token}}); err != nil {
		t.Fatal(err)
	}
	if e.opTok, _, err = n.Auth.CreateToken(ctx, n.System, e.op.ID, "test", 0); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *outreachEnv) call(t *testing.T, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.n.Server.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+e.opTok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// write posts a member's Telegram message to the bot's webhook and
// returns the conversation it joined.
func (e *outreachEnv) write(t *testing.T, chat int64, id int, text string) string {
	t.Helper()
	b, _ := json.Marshal(e.tg.Update(tgtest.TextMessage(chat, id, text)))
	req, _ := http.NewRequest("POST", e.n.Server.URL+"/hooks/telegram/"+e.ch.ID, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", e.tg.WebhookSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("webhook = %d", resp.StatusCode)
	}
	var conv string
	if err := e.n.DB.QueryRow(`SELECT conversation_id FROM inbox_messages WHERE channel_id = $1 AND direction = 'in' AND text = $2`,
		e.ch.ID, text).Scan(&conv); err != nil {
		t.Fatalf("message %q not stored: %v", text, err)
	}
	return conv
}

// member makes a card in unit with the mailing consents given, whose
// Telegram chat wrote to the bot once, was linked to the card and closed.
func (e *outreachEnv) member(t *testing.T, unit org.Unit, surname string, chat int64, consents ...string) crm.Member {
	t.Helper()
	ctx := context.Background()
	in := crm.MemberInput{UnitID: unit.ID, Surname: surname, GivenName: "Марина", Consents: crm.Consents{Mailings: map[string]crm.Consent{}}}
	for _, c := range consents {
		in.Consents.Mailings[c] = crm.Consent{Given: true, Date: "2026-01-10", Source: "заявление"}
	}
	m, err := e.n.CRM.Members.CreateMember(ctx, e.n.System, in, true)
	if err != nil {
		t.Fatal(err)
	}
	conv := e.write(t, chat, 1, "Здравствуйте, это "+surname)
	if _, err := e.n.Inbox.Actions.LinkMember(ctx, e.n.System, conv, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.n.DB.Exec(`UPDATE inbox_conversations SET status = 'closed', closed_at = $2 WHERE id = $1`, conv, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	return m
}

func (e *outreachEnv) conversations(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.n.DB.QueryRow(`SELECT COUNT(*) FROM inbox_conversations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// An operator writes first to a member with a linked Telegram chat: the
// conversation is theirs, Telegram gets exactly one message, and the
// member's answer joins the same conversation.
func TestOutreachTelegramRoundTrip(t *testing.T) {
	e := newOutreachEnv(t)
	m := e.member(t, e.home, "Ковалёва", 777001, "telegram")
	code, body := e.call(t, "GET", "/api/v1/crm/members/"+m.ID+"/channels", nil)
	var reach struct{ Channels []crm.ReachChannel }
	_ = json.Unmarshal(body, &reach)
	if code != 200 || len(reach.Channels) != 1 || reach.Channels[0].ChannelID != e.ch.ID || reach.Channels[0].Address != "777001" ||
		!reach.Channels[0].Consent || reach.Channels[0].Kind != inbox.KindTelegram {
		t.Fatalf("channels = %d %s", code, body)
	}
	before := len(e.tg.SentCalls())
	code, body = e.call(t, "POST", "/api/v1/crm/members/"+m.ID+"/conversations",
		map[string]string{"channel_id": e.ch.ID, "address": "777001", "text": "Марина, добрый день! Ваше заявление готово."})
	var conv inbox.Conversation
	_ = json.Unmarshal(body, &conv)
	if code != http.StatusCreated || conv.Status != inbox.StatusActive || conv.AssigneeID != e.op.ID || conv.ExternalChatID != "777001" {
		t.Fatalf("start = %d %s", code, body)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(e.tg.SentCalls()) == before && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // a second send would show by now
	sent := e.tg.SentCalls()[before:]
	if len(sent) != 1 || sent[0].Method != "sendMessage" || sent[0].ChatID != 777001 || sent[0].Text != "Марина, добрый день! Ваше заявление готово." {
		t.Fatalf("sent %+v", sent)
	}
	if got := e.write(t, 777001, 2, "Спасибо, зайду завтра"); got != conv.ID {
		t.Fatalf("the answer went to %s, not the started conversation %s", got, conv.ID)
	}
	code, body = e.call(t, "GET", "/api/v1/inbox/conversations/"+conv.ID+"/messages", nil)
	if code != 200 || !strings.Contains(string(body), "started") || !strings.Contains(string(body), "Спасибо, зайду завтра") {
		t.Fatalf("messages = %d %s", code, body)
	}
}

// Without the member's consent for the channel, or for a member outside
// the operator's scope, nothing is stored and nothing is sent.
func TestOutreachRefusals(t *testing.T) {
	e := newOutreachEnv(t)
	noConsent := e.member(t, e.home, "Петрова", 777002, "email")
	outside := e.member(t, e.other, "Сидорова", 777003, "telegram")
	convs, sent := e.conversations(t), len(e.tg.SentCalls())

	code, body := e.call(t, "GET", "/api/v1/crm/members/"+noConsent.ID+"/channels", nil)
	if code != 200 || !strings.Contains(string(body), `"consent":false`) {
		t.Fatalf("channels without consent = %d %s", code, body)
	}
	code, body = e.call(t, "POST", "/api/v1/crm/members/"+noConsent.ID+"/conversations",
		map[string]string{"channel_id": e.ch.ID, "text": "Добрый день"})
	var problem struct {
		Error struct{ Code, Message string }
	}
	_ = json.Unmarshal(body, &problem)
	if code != http.StatusForbidden || problem.Error.Code != "forbidden" || !strings.Contains(problem.Error.Message, "не давал согласия") {
		t.Fatalf("without consent = %d %s", code, body)
	}
	for _, path := range []string{"/channels", "/conversations"} {
		method := map[string]string{"/channels": "GET", "/conversations": "POST"}[path]
		code, body = e.call(t, method, "/api/v1/crm/members/"+outside.ID+path, map[string]string{"channel_id": e.ch.ID, "text": "Добрый день"})
		if code != http.StatusNotFound {
			t.Fatalf("%s %s outside the scope = %d %s", method, path, code, body)
		}
	}
	time.Sleep(500 * time.Millisecond)
	if n := e.conversations(t); n != convs {
		t.Fatalf("%d conversations stored by refused starts", n-convs)
	}
	if n := len(e.tg.SentCalls()); n != sent {
		t.Fatalf("%d messages sent by refused starts", n-sent)
	}
}

// The inbox's own link of a conversation to a card checks the card's
// scope: an operator cannot attach (and so read through the console) a
// card of an organisation outside theirs.
func TestLinkMemberKeepsToScope(t *testing.T) {
	e := newOutreachEnv(t)
	mine := e.member(t, e.home, "Ковалёва", 777011, "telegram")
	outside := e.member(t, e.other, "Сидорова", 777012, "telegram")
	conv := e.write(t, 777013, 1, "Здравствуйте, вопрос о взносах")
	code, body := e.call(t, "POST", "/api/v1/inbox/conversations/"+conv+"/member", map[string]string{"member_id": outside.ID})
	if code != http.StatusForbidden || !strings.Contains(string(body), "разговор не привязан") {
		t.Fatalf("link outside the scope = %d %s", code, body)
	}
	var linked string
	if err := e.n.DB.QueryRow(`SELECT COALESCE(ct.member_id, '') FROM inbox_conversations c JOIN inbox_contacts ct ON ct.id = c.contact_id WHERE c.id = $1`, conv).Scan(&linked); err != nil || linked != "" {
		t.Fatalf("contact linked to %q after a refusal (%v)", linked, err)
	}
	if code, body = e.call(t, "POST", "/api/v1/inbox/conversations/"+conv+"/member", map[string]string{"member_id": mine.ID}); code != http.StatusOK {
		t.Fatalf("link in the scope = %d %s", code, body)
	}
}
