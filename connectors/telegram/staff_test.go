package telegram_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/testkit/tgtest"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/org"
)

// staffEnv is a hub with a webhook bot, a committee with its secretary
// and chairman signed in, and the chairman's Telegram account.
type staffEnv struct {
	*env
	ch        inbox.Channel
	secret    string
	sec, chai *hubtest.Browser
	chairID   string
}

const chairTG = 7001

func newStaffEnv(t *testing.T) *staffEnv {
	t.Helper()
	s := &staffEnv{env: newEnv(t)}
	s.ch = s.channel(t, "webhook")
	s.tg.Set(func(f *tgtest.Server) { s.secret = f.WebhookSecret })
	const pw = "staff-password"
	committee := s.n.AddUnit(t, "", org.Committee, "Обком металлургов")
	s.n.AddUser(t, "sec", access.Secretary, committee.ID, pw)
	s.chairID = s.n.AddUser(t, "chair", access.Chairman, committee.ID, pw).ID
	s.sec, s.chai = s.n.NewBrowser(t), s.n.NewBrowser(t)
	s.sec.Login(t, "sec", pw)
	s.chai.Login(t, "chair", pw)
	return s
}

// say posts a private text message from Telegram user from to the bot.
func (s *staffEnv) say(t *testing.T, from int64, text string) {
	t.Helper()
	if code := s.hook(t, s.ch, s.secret, s.tg.Update(tgtest.TextMessage(from, int(time.Now().UnixNano()%1e6), text))); code != http.StatusOK {
		t.Fatalf("webhook answered %d to %q", code, text)
	}
}

// press posts a pressed inline button, as Telegram would.
func (s *staffEnv) press(t *testing.T, from int64, id string, msgID int, data string) {
	t.Helper()
	if code := s.hook(t, s.ch, s.secret, s.tg.Callback(id, from, msgID, data)); code != http.StatusOK {
		t.Fatalf("webhook answered %d to the press %s", code, data)
	}
}

// answer is the bot's next message to chat, which must contain want.
func (s *staffEnv) answer(t *testing.T, chat int64, want string) tgtest.Sent {
	t.Helper()
	for {
		m := s.waitSent(t, 15*time.Second)
		if m.ChatID != chat {
			continue
		}
		if !strings.Contains(m.Text, want) {
			t.Fatalf("the bot said %q to %d, want %q in it", m.Text, chat, want)
		}
		return m
	}
}

func (s *staffEnv) code(t *testing.T, b *hubtest.Browser) notify.TelegramCode {
	t.Helper()
	code, body := b.Do(t, "POST", "/api/v1/notifications/telegram/code", "")
	if code != http.StatusCreated {
		t.Fatalf("code: %d %s", code, body)
	}
	var c notify.TelegramCode
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// link links the chairman's Telegram account and chooses Telegram for kind.
func (s *staffEnv) link(t *testing.T, kind string) {
	t.Helper()
	c := s.code(t, s.chai)
	s.say(t, chairTG, "/start "+c.Code)
	s.answer(t, chairTG, "привязан к сотруднику Тест chair")
	prefs := fmt.Sprintf(`{"preferences":[{"kind":%q,"hub":true,"telegram":true}]}`, kind)
	if code, body := s.chai.Do(t, "PUT", "/api/v1/notifications/preferences", prefs); code != http.StatusOK {
		t.Fatalf("preferences: %d %s", code, body)
	}
}

// A staff member links their Telegram account with the profile's
// one-time code; a used or expired code links nothing and says why, and
// none of it becomes a conversation in the inbox.
func TestStaffLinksTelegramWithOneTimeCode(t *testing.T) {
	s := newStaffEnv(t)
	c := s.code(t, s.chai)
	if len(c.Links) != 1 || c.Links[0].URL != "https://t.me/union_test_bot?start="+c.Code || time.Until(c.ExpiresAt) > 10*time.Minute {
		t.Fatalf("code: %+v", c)
	}
	s.say(t, chairTG, "/start "+c.Code)
	s.answer(t, chairTG, "привязан к сотруднику Тест chair")

	// The same code again, from another account, by deep link or typed.
	s.say(t, 7002, "/start "+c.Code)
	s.answer(t, 7002, "уже использован")
	s.say(t, 7003, strings.ToLower(c.Code))
	s.answer(t, 7003, "уже использован")
	// An expired code.
	late := s.code(t, s.chai)
	if _, err := s.n.DB.Exec(`UPDATE notify_tg_codes SET expires_at = $1 WHERE used_at = 0`, time.Now().Add(-time.Second).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	s.say(t, 7004, "/start "+late.Code)
	s.answer(t, 7004, "истёк")
	s.say(t, 7005, "/start ZZZZ2222")
	s.answer(t, 7005, "не найден")

	code, body := s.chai.Do(t, "GET", "/api/v1/notifications/telegram", "")
	var acc notify.TelegramAccount
	_ = json.Unmarshal([]byte(body), &acc)
	if code != http.StatusOK || !acc.Linked || acc.Name != "Марина Ковалёва" || acc.Bot != "union_test_bot" {
		t.Fatalf("account: %d %s", code, body)
	}
	// What a linked staff member writes is answered by the bot, not queued.
	s.say(t, chairTG, "Здравствуйте")
	s.answer(t, chairTG, "бот уведомлений")
	edit := tgtest.TextMessage(chairTG, 77, "Здравствуйте!")
	edit["edit_date"] = time.Now().Unix()
	if code := s.hook(t, s.ch, s.secret, map[string]any{"update_id": 990001, "edited_message": edit}); code != http.StatusOK {
		t.Fatalf("edited message: %d", code)
	}
	if in := s.inbound(t, s.ch); len(in) != 0 {
		t.Fatalf("staff messages reached the inbox: %+v", in)
	}
	// A member's message still does.
	s.say(t, 9001, "Вопрос по отпуску")
	if in := s.inbound(t, s.ch); len(in) != 1 {
		t.Fatalf("the member's message: %+v", in)
	}
	// Unlinked: the account's messages are a member's again.
	if code, body := s.chai.Do(t, "DELETE", "/api/v1/notifications/telegram", ""); code != http.StatusOK || !strings.Contains(body, `"linked":false`) {
		t.Fatalf("unlink: %d %s", code, body)
	}
}

// registerOutgoing registers an outgoing document and sends it to the
// chairman for approval, as the secretary does on the web.
func (s *staffEnv) registerOutgoing(t *testing.T, title string) string {
	t.Helper()
	code, body := s.sec.Do(t, "POST", "/api/v1/workflow/documents", fmt.Sprintf(`{"kind":"outgoing","title":%q}`, title))
	if code != http.StatusCreated {
		t.Fatalf("register: %d %s", code, body)
	}
	var doc struct{ ID string }
	_ = json.Unmarshal([]byte(body), &doc)
	if code, body := s.sec.Do(t, "POST", "/api/v1/workflow/documents/"+doc.ID+"/decisions", `{"decision":"to_chairman"}`); code != http.StatusOK {
		t.Fatalf("to the chairman: %d %s", code, body)
	}
	return doc.ID
}

type button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

func buttons(t *testing.T, m tgtest.Sent) []button {
	t.Helper()
	var kb struct {
		InlineKeyboard [][]button `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(m.Markup), &kb); err != nil {
		t.Fatalf("markup %q: %v", m.Markup, err)
	}
	var out []button
	for _, row := range kb.InlineKeyboard {
		out = append(out, row...)
	}
	return out
}

func findButton(t *testing.T, bs []button, text string) button {
	t.Helper()
	for _, b := range bs {
		if b.Text == text {
			return b
		}
	}
	t.Fatalf("no button %q in %+v", text, bs)
	return button{}
}

func (s *staffEnv) history(t *testing.T, docID string) (string, []map[string]any) {
	t.Helper()
	code, body := s.chai.Do(t, "GET", "/api/v1/workflow/documents/"+docID, "")
	if code != http.StatusOK {
		t.Fatalf("document: %d %s", code, body)
	}
	var v struct {
		Document struct{ Step string }
		History  []map[string]any
	}
	_ = json.Unmarshal([]byte(body), &v)
	return v.Document.Step, v.History
}

func lastAnswer(t *testing.T, s *staffEnv, id string) string {
	t.Helper()
	for _, a := range s.tg.CallbackAnswers() {
		if a.ID == id {
			return a.Text
		}
	}
	t.Fatalf("callback query %s not answered", id)
	return ""
}

// A document sent for approval reaches the chairman's Telegram with its
// decisions as buttons; "approve" approves it, as on the web, and the
// document's history shows it; the button pressed again acts once.
func TestChairmanApprovesDocumentWithTelegramButton(t *testing.T) {
	s := newStaffEnv(t)
	s.link(t, notify.DocumentApproval)
	docID := s.registerOutgoing(t, "Письмо в министерство труда")
	m := s.answer(t, chairTG, "Документ на утверждение")
	if !strings.Contains(m.Text, "Письмо в министерство труда") {
		t.Fatalf("notice: %q", m.Text)
	}
	bs := buttons(t, m)
	approve := findButton(t, bs, "Утвердить")
	findButton(t, bs, "Вернуть на доработку")

	s.press(t, chairTG, "cb-1", m.MessageID, approve.CallbackData)
	if got := lastAnswer(t, s, "cb-1"); !strings.Contains(got, "Готово") {
		t.Fatalf("first press answered %q", got)
	}
	step, hist := s.history(t, docID)
	if step != "dispatch" {
		t.Fatalf("after approval the document is at %q", step)
	}
	approved := 0
	for _, e := range hist {
		if d, _ := e["details"].(map[string]any); d != nil && d["decision"] == "approve" {
			approved++
			if e["actor_id"] != s.chairID || e["action"] != "decision" {
				t.Errorf("the approval is not the chairman's decision: %v", e)
			}
		}
	}
	if approved != 1 {
		t.Fatalf("history has %d approvals: %v", approved, hist)
	}
	// The buttons are taken off the notice once acted on.
	s.tg.Set(func(f *tgtest.Server) {
		if len(f.Edits) == 0 || f.Edits[0].MessageID != m.MessageID || f.Edits[0].ChatID != chairTG || strings.Contains(f.Edits[0].Markup, "callback_data") {
			t.Errorf("buttons not removed: %+v", f.Edits)
		}
	})
	// The second press acts once: "already done", nothing new in history.
	s.press(t, chairTG, "cb-2", m.MessageID, approve.CallbackData)
	if got := lastAnswer(t, s, "cb-2"); got != "Уже сделано." {
		t.Fatalf("second press answered %q", got)
	}
	if _, again := s.history(t, docID); len(again) != len(hist) {
		t.Fatalf("the second press changed the history: %d → %d events", len(hist), len(again))
	}
	// A stranger's account pressing the chairman's button does nothing.
	s.press(t, 7777, "cb-3", m.MessageID, approve.CallbackData)
	if got := lastAnswer(t, s, "cb-3"); !strings.Contains(got, "не привязан") {
		t.Fatalf("a stranger's press answered %q", got)
	}
	// Nor does a colleague's linked account: the notice is not theirs.
	c := s.code(t, s.sec)
	s.say(t, 7002, "/start "+c.Code)
	s.answer(t, 7002, "привязан к сотруднику Тест sec")
	s.press(t, 7002, "cb-4", m.MessageID, approve.CallbackData)
	if got := lastAnswer(t, s, "cb-4"); got != "Эта кнопка больше не действует." {
		t.Fatalf("a colleague's press answered %q", got)
	}
}

// "Return" asks for a comment first; the next message is the comment and
// the document goes back to the secretary with it.
func TestChairmanReturnsDocumentWithComment(t *testing.T) {
	s := newStaffEnv(t)
	s.link(t, notify.DocumentApproval)
	docID := s.registerOutgoing(t, "Ответ на запрос прокуратуры")
	m := s.answer(t, chairTG, "Ответ на запрос прокуратуры")
	ret := findButton(t, buttons(t, m), "Вернуть на доработку")
	s.press(t, chairTG, "cb-r", m.MessageID, ret.CallbackData)
	ask := s.answer(t, chairTG, "напишите комментарий")
	if !strings.Contains(ask.Markup, "force_reply") {
		t.Fatalf("the question does not ask for a reply: %q", ask.Markup)
	}
	if step, _ := s.history(t, docID); step != "approval" {
		t.Fatalf("the press alone moved the document to %q", step)
	}
	s.say(t, chairTG, "Уточните сроки в третьем абзаце")
	s.answer(t, chairTG, "Готово: Вернуть на доработку")
	step, hist := s.history(t, docID)
	if step != "check" || !strings.Contains(fmt.Sprint(hist), "Уточните сроки в третьем абзаце") {
		t.Fatalf("after return: step %q, history %v", step, hist)
	}
}

// An acquaintance notice has the "Ознакомлен" button.
func TestAcquaintanceButton(t *testing.T) {
	s := newStaffEnv(t)
	// The chairman signs an internal document and the secretary sends it
	// to him for acquaintance.
	code, body := s.sec.Do(t, "POST", "/api/v1/workflow/documents", `{"kind":"internal","title":"Приказ о графике отпусков"}`)
	if code != http.StatusCreated {
		t.Fatalf("register: %d %s", code, body)
	}
	var doc struct{ ID string }
	_ = json.Unmarshal([]byte(body), &doc)
	if code, body := s.chai.Do(t, "POST", "/api/v1/workflow/documents/"+doc.ID+"/decisions", `{"decision":"sign"}`); code != http.StatusOK {
		t.Fatalf("sign: %d %s", code, body)
	}
	s.link(t, notify.DocumentAcquaintance)
	if code, body := s.sec.Do(t, "POST", "/api/v1/workflow/documents/"+doc.ID+"/decisions",
		fmt.Sprintf(`{"decision":"acquaint","assignees":[%q]}`, s.chairID)); code != http.StatusOK {
		t.Fatalf("acquaint: %d %s", code, body)
	}
	m := s.answer(t, chairTG, "Документ на ознакомление")
	ack := findButton(t, buttons(t, m), "Ознакомлен")
	s.press(t, chairTG, "cb-a", m.MessageID, ack.CallbackData)
	if got := lastAnswer(t, s, "cb-a"); got != "Готово: Ознакомлен" {
		t.Fatalf("press answered %q", got)
	}
	if step, _ := s.history(t, doc.ID); step != "closed" {
		t.Fatalf("after acquaintance the document is at %q", step)
	}
}

// "Взять" takes a conversation offered to the operator.
func TestOperatorTakesOfferedConversationInTelegram(t *testing.T) {
	s := newStaffEnv(t)
	ctx := context.Background()
	const pw = "operator-password"
	op := s.n.AddUser(t, "op2", access.Operator, s.n.Root.ID, pw)
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Вопросы", s.n.Root.ID, inbox.Evenly
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	line, err := s.n.Inbox.Lines.Create(ctx, s.n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	b := s.n.NewBrowser(t)
	b.Login(t, "op2", pw)
	c := s.code(t, b)
	const opTG = 7100
	s.say(t, opTG, "/start "+c.Code)
	s.answer(t, opTG, "привязан")
	if code, body := b.Do(t, "PUT", "/api/v1/notifications/preferences",
		`{"preferences":[{"kind":"conversation_offered","hub":true,"telegram":true}]}`); code != http.StatusOK {
		t.Fatalf("preferences: %d %s", code, body)
	}
	if code, body := b.Do(t, "POST", "/api/v1/inbox/presence", `{"status":"online"}`); code != http.StatusOK {
		t.Fatalf("presence: %d %s", code, body)
	}
	res, err := s.n.Inbox.Ingestion.Ingest(ctx, inbox.Inbound{ChannelID: s.ch.ID, LineID: line.ID, ExternalChatID: "555",
		ExternalMessageID: "msg:555:1", From: inbox.Identity{Namespace: "telegram", ExternalID: "555", Name: "Пётр Сидоров"},
		Text: "Когда выплатят материальную помощь?", SentAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	m := s.answer(t, opTG, "Вам предложен диалог")
	take := findButton(t, buttons(t, m), "Взять")
	s.press(t, opTG, "cb-t", m.MessageID, take.CallbackData)
	if got := lastAnswer(t, s, "cb-t"); got != "Готово: Взять" {
		t.Fatalf("press answered %q", got)
	}
	conv, err := s.n.Inbox.Conversations.Get(ctx, s.n.System, res.ConversationID)
	if err != nil || conv.AssigneeID != op.ID || conv.Status != inbox.StatusActive {
		t.Fatalf("conversation after the press: %+v %v", conv, err)
	}
	s.press(t, opTG, "cb-t2", m.MessageID, take.CallbackData)
	if got := lastAnswer(t, s, "cb-t2"); got != "Уже сделано." {
		t.Fatalf("second press answered %q", got)
	}
}
