package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/calendar"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/hub"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/testkit/tgtest"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/memberbot"
	"github.com/profhub/profhub/org"
)

// codeBox records the linking codes instead of an SMS gateway: the
// member reads them off their phone.
type codeBox struct {
	mu    sync.Mutex
	codes map[string]string // member id → last code
	sent  int
}

func (c *codeBox) SendCode(_ context.Context, m memberbot.Member, code string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.codes[m.ID] = code
	c.sent++
	return nil
}

func (c *codeBox) last(id string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.codes[id]
}

// officeEnv is a hub with a Telegram bot on a fake Bot API and a member
// card with a phone, whose chat has not been linked yet.
type officeEnv struct {
	n     *hubtest.Node
	tg    *tgtest.Server
	ch    inbox.Channel
	unit  org.Unit
	m     crm.Member
	codes *codeBox
	msgID int
}

func newOfficeEnv(t *testing.T) *officeEnv {
	t.Helper()
	tg := tgtest.New(t)
	n := hubtest.Start(t)
	n.Config.BaseURL = n.Server.URL
	ctx := context.Background()
	e := &officeEnv{n: n, tg: tg, codes: &codeBox{codes: map[string]string{}}}
	n.MemberBot.SetCodeSender(e.codes)
	committee := n.AddUnit(t, n.Root.ID, org.Committee, "Оренбургский обком")
	e.unit = n.AddUnit(t, committee.ID, org.Primary, "ППО завода «Стройдеталь»")
	if _, err := n.CRM.Organisations.UpdateOrganisation(ctx, n.System, e.unit.ID, crm.OrganisationInput{ShortName: "ППО завода «Стройдеталь»",
		Chairman: "Иванов Пётр Сергеевич", Phone: "+7 3532 11-22-33", Address: "Оренбург, ул. Заводская, 1"}); err != nil {
		t.Fatal(err)
	}
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Завод", e.unit.ID, inbox.Manual
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	if e.ch, _, err = n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindTelegram, Name: "Бот",
		Settings: map[string]string{"mode": "webhook", "api_url": tg.URL}, Secrets: map[string]string{"bot_token": tg.Token}}); err != nil {
		t.Fatal(err)
	}
	e.m, err = n.CRM.Members.CreateMember(ctx, n.System, crm.MemberInput{UnitID: e.unit.ID, Surname: "Ковалёва", GivenName: "Марина",
		Patronymic: "Игоревна", BirthDate: "1985-03-14", Phones: []string{"+7 912 345-67-89"}, Emails: []string{"kovaleva@example.org"},
		Status: crm.StatusMember, CardNumber: "56-001234",
		Consents: crm.Consents{Mailings: map[string]crm.Consent{"telegram": {Given: true, Date: "2026-01-10", Source: "заявление"}}}}, true)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// post sends an update to the bot's webhook and returns what the bot
// sent in answer.
func (e *officeEnv) post(t *testing.T, msg map[string]any) []tgtest.Sent {
	t.Helper()
	before := len(e.tg.SentCalls())
	b, _ := json.Marshal(e.tg.Update(msg))
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
	return e.tg.SentCalls()[before:]
}

// say is a member's text; it returns the bot's one answer (or fails).
func (e *officeEnv) say(t *testing.T, chat int64, text string) tgtest.Sent {
	t.Helper()
	e.msgID++
	got := e.post(t, tgtest.TextMessage(chat, e.msgID, text))
	if len(got) != 1 {
		t.Fatalf("%q: the bot answered %d messages: %+v", text, len(got), got)
	}
	return got[0]
}

func (e *officeEnv) shareContact(t *testing.T, chat int64, phone string, owner int64) tgtest.Sent {
	t.Helper()
	e.msgID++
	m := tgtest.TextMessage(chat, e.msgID, "")
	delete(m, "text")
	m["contact"] = map[string]any{"phone_number": phone, "first_name": "Марина", "user_id": owner}
	got := e.post(t, m)
	if len(got) != 1 {
		t.Fatalf("contact: the bot answered %d messages", len(got))
	}
	return got[0]
}

// link takes chat through the whole linking by phone and code.
func (e *officeEnv) link(t *testing.T, chat int64) {
	t.Helper()
	if r := e.say(t, chat, memberbot.BtnCard); !strings.Contains(r.Markup, `"request_contact":true`) {
		t.Fatalf("the card before linking did not ask for the phone: %+v", r)
	}
	if r := e.shareContact(t, chat, "79123456789", chat); !strings.Contains(r.Text, "отправили") {
		t.Fatalf("after the phone: %q", r.Text)
	}
	if r := e.say(t, chat, e.codes.last(e.m.ID)); !strings.Contains(r.Text, "привязан") {
		t.Fatalf("the right code: %q", r.Text)
	}
}

func (e *officeEnv) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(e.n.Server.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var verifyLink = regexp.MustCompile(`/v/([A-Za-z0-9_-]+)`)

// The done-when path in Telegram: the menu, linking by phone and code (a
// wrong code first), the card with its QR link, the verify page valid
// with initials and organisation only, the member leaves and the same
// page says not valid at once; the bot refuses them a new card.
func TestMemberOfficeTelegramCardJourney(t *testing.T) {
	e := newOfficeEnv(t)
	const chat = 777100
	e.tg.Mu.Lock()
	commands := e.tg.Commands
	e.tg.Mu.Unlock()
	if !strings.Contains(commands, `"command":"card"`) || !strings.Contains(commands, "Электронный профбилет") {
		t.Fatalf("the bot's command menu: %s", commands)
	}
	r := e.say(t, chat, "/start")
	for _, b := range []string{memberbot.BtnAsk, memberbot.BtnAppeals, memberbot.BtnCard, memberbot.BtnOrg, memberbot.BtnSubs, memberbot.BtnOperator} {
		if !strings.Contains(r.Markup, b) {
			t.Fatalf("menu lacks %q: %s", b, r.Markup)
		}
	}
	if r := e.say(t, chat, memberbot.BtnCard); !strings.Contains(r.Markup, `"request_contact":true`) || !strings.Contains(r.Text, "Поделиться") {
		t.Fatalf("card before linking: %+v", r)
	}
	// Someone else's contact card is refused; the member's own starts a code.
	if r := e.shareContact(t, chat, "+79001112233", 555); !strings.Contains(r.Text, "не ваш номер") {
		t.Fatalf("a foreign contact: %q", r.Text)
	}
	if r := e.shareContact(t, chat, "79123456789", chat); !strings.Contains(r.Text, "отправили") {
		t.Fatalf("own phone: %q", r.Text)
	}
	code := e.codes.last(e.m.ID)
	if len(code) != 6 {
		t.Fatalf("code %q", code)
	}
	var stored string
	if err := e.n.DB.QueryRow(`SELECT code_hash FROM memberbot_codes WHERE user_id = '777100'`).Scan(&stored); err != nil || strings.Contains(stored, code) {
		t.Fatalf("the code is stored as %q (%v)", stored, err)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if r := e.say(t, chat, wrong); !strings.Contains(r.Text, "Код неверный. Осталось попыток: 4") {
		t.Fatalf("wrong code: %q", r.Text)
	}
	if r := e.say(t, chat, code); !strings.Contains(r.Text, "привязан") {
		t.Fatalf("right code: %q", r.Text)
	}
	// The chat shows on the card.
	links, err := e.n.MemberBot.LinksOf(context.Background(), e.m.ID)
	if err != nil || len(links) != 1 || links[0].ChatID != "777100" || links[0].LinkedBy != "code" {
		t.Fatalf("links %+v %v", links, err)
	}

	r = e.say(t, chat, memberbot.BtnCard)
	if r.Method != "sendPhoto" || len(r.File) < 1000 || !bytes.HasPrefix(r.File, []byte("\x89PNG")) {
		t.Fatalf("card: %s with %d bytes", r.Method, len(r.File))
	}
	mt := verifyLink.FindStringSubmatch(r.Caption)
	if mt == nil {
		t.Fatalf("no verify link in %q", r.Caption)
	}
	token := mt[1]
	if dir := os.Getenv("PROFHUB_SHOTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "member-card.png"), r.File, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code2, page := e.get(t, "/v/"+token)
	if code2 != 200 || !strings.Contains(page, `data-verdict="valid"`) || !strings.Contains(page, "К. М. И.") ||
		!strings.Contains(page, "ППО завода «Стройдеталь»") {
		t.Fatalf("verify page = %d %s", code2, page)
	}
	assertNoPersonalData(t, page)

	// Forged: one character changed; and garbage.
	forged := []byte(token)
	forged[len(forged)-3] ^= 1
	if c, p := e.get(t, "/v/"+string(forged)); c != 404 || !strings.Contains(p, "не действителен") || strings.Contains(p, "К. М. И.") {
		t.Fatalf("forged = %d %s", c, p)
	}
	if c, p := e.get(t, "/v/not-a-token"); c != 404 || !strings.Contains(p, "не действителен") {
		t.Fatalf("garbage = %d %s", c, p)
	}
	// Expired: the same token a year and a day later.
	e.n.MemberBot.SetClock(func() time.Time { return time.Now().AddDate(1, 0, 1) })
	if _, p := e.get(t, "/v/"+token); !strings.Contains(p, `data-verdict="expired"`) {
		t.Fatalf("expired: %s", p)
	}
	e.n.MemberBot.SetClock(time.Now)

	// The member leaves: the page says so at once, and no new card.
	in := e.m.MemberInput
	in.Status, in.LeftOn, in.LeftReason = crm.StatusLeft, "2026-12-01", "по собственному желанию"
	if _, err := e.n.CRM.Members.UpdateMember(context.Background(), e.n.System, e.m.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, p := e.get(t, "/v/"+token); !strings.Contains(p, `data-verdict="revoked"`) || !strings.Contains(p, "отозван") || strings.Contains(p, "К. М. И.") {
		t.Fatalf("revoked: %s", p)
	}
	if r := e.say(t, chat, memberbot.BtnCard); r.Method != "sendMessage" || !strings.Contains(r.Text, "не состоите") {
		t.Fatalf("card after leaving: %+v", r)
	}
}

// assertNoPersonalData: the verify page names nothing of the member but
// initials and organisation.
func assertNoPersonalData(t *testing.T, page string) {
	t.Helper()
	for _, s := range []string{"Ковалёва", "Марина", "Игоревна", "1985", "14.03", "912", "345-67-89", "kovaleva", "56-001234"} {
		if strings.Contains(page, s) {
			t.Fatalf("the verify page shows %q", s)
		}
	}
}

// Bad input of linking: a number of no card gets the same answer as a
// real one and no code goes out; a code guessed five times is burnt; a
// code used once does not work again.
func TestMemberOfficeLinkRefusals(t *testing.T) {
	e := newOfficeEnv(t)
	e.say(t, 777200, memberbot.BtnCard)
	real := e.shareContact(t, 777200, "79123456789", 777200)
	e.say(t, 777201, memberbot.BtnCard)
	unknown := e.shareContact(t, 777201, "79990001122", 777201)
	if real.Text != unknown.Text || e.codes.sent != 1 {
		t.Fatalf("a known and an unknown number are told apart: %q / %q (codes sent %d)", real.Text, unknown.Text, e.codes.sent)
	}
	// Someone with another card's number never sees its code: any code fails.
	for i := 0; i < 4; i++ {
		if r := e.say(t, 777201, "123456"); !strings.Contains(r.Text, "Код неверный") {
			t.Fatalf("guess %d: %q", i, r.Text)
		}
	}
	if r := e.say(t, 777201, "123456"); !strings.Contains(r.Text, "попытки исчерпаны") {
		t.Fatalf("fifth guess: %q", r.Text)
	}
	// Five wrong guesses on the real card burn its code too.
	code := e.codes.last(e.m.ID)
	for i := 0; i < 5; i++ {
		guess := "999999"
		if code == guess {
			guess = "888888"
		}
		e.say(t, 777200, guess)
	}
	// Burnt: the right code now goes to the inbox as text, linking nothing.
	e.msgID++
	e.post(t, tgtest.TextMessage(777200, e.msgID, code))
	if links, _ := e.n.MemberBot.LinksOf(context.Background(), e.m.ID); len(links) != 0 {
		t.Fatalf("a burnt code linked %+v", links)
	}
	// A fresh code links once; the old one is no good for the next linking.
	e.link(t, 777200)
	used := e.codes.last(e.m.ID)
	if r := e.say(t, 777200, memberbot.BtnUnlink); !strings.Contains(r.Text, "отвязана") {
		t.Fatalf("unlink: %q", r.Text)
	}
	e.say(t, 777200, memberbot.BtnCard)
	e.shareContact(t, 777200, "79123456789", 777200)
	if r := e.say(t, 777200, used); !strings.Contains(r.Text, "Код неверный") && used != e.codes.last(e.m.ID) {
		t.Fatalf("a used code: %q", r.Text)
	}
	// Until linked, appeals and subscriptions ask for the phone; the
	// organisation search works.
	if r := e.say(t, 777202, memberbot.BtnAppeals); !strings.Contains(r.Markup, "request_contact") {
		t.Fatalf("appeals unlinked: %+v", r)
	}
	if r := e.say(t, 777202, memberbot.BtnOrg); !strings.Contains(r.Markup, "request_contact") || !strings.Contains(r.Text, "без привязки") {
		t.Fatalf("my organisation unlinked: %+v", r)
	}
	if r := e.say(t, 777202, "Организация стройдеталь"); !strings.Contains(r.Text, "Иванов Пётр Сергеевич") || !strings.Contains(r.Text, "Заводская") {
		t.Fatalf("organisation search: %q", r.Text)
	}
	if r := e.say(t, 777202, "организация шк"); !strings.Contains(r.Text, "три буквы") {
		t.Fatalf("a short search: %q", r.Text)
	}
	if r := e.say(t, 777202, "Организация космодром"); !strings.Contains(r.Text, "не найдена") {
		t.Fatalf("nothing found: %q", r.Text)
	}
}

// A flood of presses: the bot answers the first twenty in a minute, says
// once that it is too many, then stays silent; free text still reaches
// the inbox.
func TestMemberOfficeFlood(t *testing.T) {
	e := newOfficeEnv(t)
	at := time.Date(2026, 12, 5, 10, 0, 30, 0, time.UTC) // one minute's window, whatever the wall clock
	e.n.MemberBot.SetClock(func() time.Time { return at })
	answered := 0
	var notice string
	for i := 0; i < 30; i++ {
		e.msgID++
		got := e.post(t, tgtest.TextMessage(777300, e.msgID, memberbot.BtnAsk))
		if len(got) == 1 {
			answered++
			notice = got[0].Text
		}
	}
	if answered != 21 || !strings.Contains(notice, "Слишком много") {
		t.Fatalf("answered %d, last %q", answered, notice)
	}
	e.msgID++
	e.post(t, tgtest.TextMessage(777300, e.msgID, "Когда выплатят материальную помощь?"))
	var n int
	if err := e.n.DB.QueryRow(`SELECT COUNT(*) FROM inbox_messages WHERE text = 'Когда выплатят материальную помощь?'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("free text in the inbox: %d %v", n, err)
	}
	if err := e.n.DB.QueryRow(`SELECT COUNT(*) FROM inbox_messages WHERE text = $1`, memberbot.BtnAsk).Scan(&n); err != nil || n != 0 {
		t.Fatalf("menu presses reached the inbox: %d %v", n, err)
	}
}

// My appeals and a status change sent to the member's chat; my
// organisation; the counts in the statistics.
func TestMemberOfficeAppealsAndOrganisation(t *testing.T) {
	e := newOfficeEnv(t)
	ctx := context.Background()
	const chat = 777400
	e.link(t, chat)
	if _, err := e.n.MemberBot.SweepAppeals(ctx); err != nil { // the first sweep sets the mark
		t.Fatal(err)
	}
	a, err := e.n.CRM.Appeals.CreateAppeal(ctx, e.n.System, crm.AppealInput{MemberID: e.m.ID, Channel: "telegram",
		Subject: "Перерасчёт отпускных", Text: "Прошу проверить расчёт", DueOn: "2026-12-20"})
	if err != nil {
		t.Fatal(err)
	}
	r := e.say(t, chat, memberbot.BtnAppeals)
	if !strings.Contains(r.Text, a.Number) || !strings.Contains(r.Text, "Перерасчёт отпускных") || !strings.Contains(r.Text, "зарегистрировано") {
		t.Fatalf("my appeals: %q", r.Text)
	}
	before := len(e.tg.SentCalls())
	if n, err := e.n.MemberBot.SweepAppeals(ctx); err != nil || n != 1 {
		t.Fatalf("sweep of the new appeal = %d %v", n, err)
	}
	in := a.AppealInput
	in.Status = crm.AppealInProgress
	time.Sleep(5 * time.Millisecond) // a later updated_at
	if _, err := e.n.CRM.Appeals.UpdateAppeal(ctx, e.n.System, a.ID, in); err != nil {
		t.Fatal(err)
	}
	if n, err := e.n.MemberBot.SweepAppeals(ctx); err != nil || n != 1 {
		t.Fatalf("sweep of the change = %d %v", n, err)
	}
	if n, _ := e.n.MemberBot.SweepAppeals(ctx); n != 0 {
		t.Fatalf("the same status told twice")
	}
	sent := e.tg.SentCalls()[before:]
	if len(sent) != 2 || sent[1].ChatID != chat || !strings.Contains(sent[1].Text, a.Number) || !strings.Contains(sent[1].Text, "в работе") {
		t.Fatalf("notices %+v", sent)
	}
	// A reception of members in the organisation's calendar, two days on.
	zone := e.n.Config.Zone()
	sc := e.n.System
	sc.UnitID, sc.UnitPath = e.unit.ID, e.unit.Path
	caller := calendar.Caller{Scope: sc, Zone: zone}
	cals, err := e.n.Calendar.Calendars(ctx, caller)
	if err != nil {
		t.Fatal(err)
	}
	calID := ""
	for _, c := range cals {
		if c.Kind == calendar.Unit && c.UnitID == e.unit.ID {
			calID = c.ID
		}
	}
	day := time.Now().In(zone).AddDate(0, 0, 2)
	if _, err := e.n.Calendar.Create(ctx, caller, calendar.Input{CalendarID: calID, Kind: "reception", Title: "Приём членов профсоюза",
		Place: "каб. 12", Start: day.Format("2006-01-02") + "T15:00", End: day.Format("2006-01-02") + "T17:00"}); err != nil {
		t.Fatal(err)
	}
	r = e.say(t, chat, memberbot.BtnOrg)
	for _, s := range []string{"ППО завода «Стройдеталь»", "Иванов Пётр Сергеевич", "+7 3532 11-22-33", "Оренбургский обком",
		"Приём: " + day.Format("02.01") + " 15:00–17:00, каб. 12"} {
		if !strings.Contains(r.Text, s) {
			t.Fatalf("my organisation lacks %q: %q", s, r.Text)
		}
	}
	b := e.n.NewBrowser(t)
	b.Login(t, "admin", hubtest.AdminPassword)
	code, body := b.Do(t, "GET", "/api/v1/memberbot/stats", "")
	if code != 200 || !strings.Contains(body, `"kind":"telegram","action":"appeals","count":1`) || !strings.Contains(body, `"action":"org","count":1`) {
		t.Fatalf("stats = %d %s", code, body)
	}
}

// Subscriptions: the member turns Telegram mailings off in the bot; the
// card's consent changes (dated, with the bot as source) and the next
// informational campaign over the bot skips them, where the one before
// reached their chat (linked through the office only, no conversation).
func TestMemberOfficeSubscriptionStopsNextCampaign(t *testing.T) {
	e := newOfficeEnv(t)
	ctx := context.Background()
	const chat = 777500
	e.link(t, chat)
	campaign := func(name string) mailing.Campaign {
		t.Helper()
		c, err := e.n.Mailing.Campaigns.CreateCampaign(ctx, e.n.System, mailing.CampaignInput{Name: name, Kind: mailing.Informational,
			Channels: []string{mailing.ChannelTelegram}, Segments: []mailing.Segment{{Filter: &mailing.FilterSpec{UnitID: e.unit.ID}}},
			Messengers: map[string]string{"telegram": e.ch.ID}, Content: mailing.Content{Message: name + ": собрание в пятницу"}})
		if err != nil {
			t.Fatal(err)
		}
		if c, err = e.n.Mailing.Actions.Start(ctx, e.n.System, c.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for c.Status != mailing.StatusFinished {
			if time.Now().After(deadline) {
				t.Fatalf("campaign %s is %s", name, c.Status)
			}
			time.Sleep(50 * time.Millisecond)
			c, _ = e.n.Mailing.Campaigns.GetCampaign(ctx, e.n.System, c.ID)
		}
		return c
	}
	reached := func(name string) bool {
		for _, s := range e.tg.SentCalls() {
			if s.ChatID == chat && strings.Contains(s.Text, name) {
				return true
			}
		}
		return false
	}
	campaign("Первая")
	if !reached("Первая") {
		t.Fatal("the first campaign did not reach the linked chat")
	}
	r := e.say(t, chat, memberbot.BtnSubs)
	if !strings.Contains(r.Markup, "✅ Telegram") || !strings.Contains(r.Markup, "⬜ E-mail") {
		t.Fatalf("subscriptions: %s", r.Markup)
	}
	if r = e.say(t, chat, "✅ Telegram"); !strings.Contains(r.Markup, "⬜ Telegram") {
		t.Fatalf("after turning Telegram off: %s", r.Markup)
	}
	m, err := e.n.CRM.Members.GetMember(ctx, e.n.System, e.m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Consents.Mailings["telegram"]; c.Given || c.Source != "бот Telegram" || c.Date == "" {
		t.Fatalf("consent after the switch: %+v", c)
	}
	campaign("Вторая")
	if reached("Вторая") {
		t.Fatal("a turned-off kind still reached the member")
	}
	// On again: the consent is given again from the bot.
	if r = e.say(t, chat, "⬜ Telegram"); !strings.Contains(r.Markup, "✅ Telegram") {
		t.Fatalf("after turning Telegram on: %s", r.Markup)
	}
}

// An operator links a member's Telegram conversation to their card by
// hand; the chat shows on the card and is unlinked from it; cards and
// conversations outside the operator's scope answer 404 and change
// nothing; a card's PNG is refused for a person who left.
func TestMemberOfficeStaffLinks(t *testing.T) {
	e := newOfficeEnv(t)
	ctx := context.Background()
	other := e.n.AddUnit(t, e.n.Root.ID, org.Primary, "ППО школы № 5")
	outsider, err := e.n.CRM.Members.CreateMember(ctx, e.n.System, crm.MemberInput{UnitID: other.ID, Surname: "Сидорова", GivenName: "Анна",
		Status: crm.StatusMember}, true)
	if err != nil {
		t.Fatal(err)
	}
	// A chairman of the plant's organisation: edits its cards and answers its line.
	e.n.AddUser(t, "chair", access.Chairman, e.unit.ID, "password-1")
	b := e.n.NewBrowser(t)
	b.Login(t, "chair", "password-1")
	e.msgID++
	e.post(t, tgtest.TextMessage(777600, e.msgID, "Здравствуйте, хочу узнать про путёвки"))
	var conv string
	if err := e.n.DB.QueryRow(`SELECT id FROM inbox_conversations WHERE external_chat_id = '777600'`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	if code, body := b.Do(t, "POST", "/api/v1/memberbot/links", `{"conversation_id":"`+conv+`","member_id":"`+outsider.ID+`"}`); code != 404 {
		t.Fatalf("linking a card outside the scope = %d %s", code, body)
	}
	for _, p := range []string{"/links", "/card.png"} {
		if code, body := b.Do(t, "GET", "/api/v1/memberbot/members/"+outsider.ID+p, ""); code != 404 || strings.Contains(body, "Сидорова") {
			t.Fatalf("%s outside the scope = %d %s", p, code, body)
		}
	}
	code, body := b.Do(t, "POST", "/api/v1/memberbot/links", `{"conversation_id":"`+conv+`","member_id":"`+e.m.ID+`"}`)
	if code != 201 {
		t.Fatalf("link = %d %s", code, body)
	}
	if r := e.say(t, 777600, memberbot.BtnCard); r.Method != "sendPhoto" {
		t.Fatalf("after the operator's link the card is %+v", r)
	}
	code, body = b.Do(t, "GET", "/api/v1/memberbot/members/"+e.m.ID+"/links", "")
	var got struct{ Links []memberbot.Link }
	_ = json.Unmarshal([]byte(body), &got)
	if code != 200 || len(got.Links) != 1 || got.Links[0].LinkedBy == "code" {
		t.Fatalf("links = %d %s", code, body)
	}
	if code, _ := b.Do(t, "GET", "/api/v1/memberbot/members/"+e.m.ID+"/card.png", ""); code != 200 {
		t.Fatalf("card.png = %d", code)
	}
	if code, body := b.Do(t, "GET", "/api/v1/memberbot/members/"+e.m.ID+"/card.pdf", ""); code != 200 || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("card.pdf = %d %.20q", code, body)
	}
	if code, body := b.Do(t, "DELETE", "/api/v1/memberbot/links/"+got.Links[0].ID, ""); code != 204 {
		t.Fatalf("unlink = %d %s", code, body)
	}
	if r := e.say(t, 777600, memberbot.BtnCard); !strings.Contains(r.Markup, "request_contact") {
		t.Fatalf("after unlinking from the card: %+v", r)
	}
	in := e.m.MemberInput
	in.Status, in.LeftOn = crm.StatusLeft, "2026-12-01"
	if _, err := e.n.CRM.Members.UpdateMember(ctx, e.n.System, e.m.ID, in); err != nil {
		t.Fatal(err)
	}
	if code, body := b.Do(t, "GET", "/api/v1/memberbot/members/"+e.m.ID+"/card.png", ""); code != 409 || !strings.Contains(body, "не состоит") {
		t.Fatalf("card.png of a person who left = %d %s", code, body)
	}
}

// The code leaves through the federation's SMS gateway (a fake gateway
// on loopback speaking the generic HTTP protocol), to the card's own
// phone, and the member links with it.
func TestMemberOfficeCodeBySMSGateway(t *testing.T) {
	type sms struct{ To, From, Text string }
	got := make(chan sms, 4)
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m sms
		_ = json.NewDecoder(r.Body).Decode(&m)
		if r.Header.Get("Authorization") != "Bearer gw-key" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		got <- m
	}))
	defer gw.Close()
	e := newOfficeEnv(t)
	e.n.MemberBot.SetCodeSender(hub.OfficeCodes(e.n.Hub))
	if _, err := e.n.Mailing.SMSGateways.CreateSMSGateway(context.Background(), e.n.System, mailing.SMSGatewayConfig{Name: "Шлюз",
		Kind: "http", URL: gw.URL, APIKey: "gw-key", Sender: "PROFSOYUZ"}); err != nil {
		t.Fatal(err)
	}
	e.say(t, 777700, memberbot.BtnCard)
	e.shareContact(t, 777700, "79123456789", 777700)
	var m sms
	select {
	case m = <-got:
	case <-time.After(30 * time.Second):
		t.Fatal("no SMS")
	}
	code := regexp.MustCompile(`\d{6}`).FindString(m.Text)
	if m.To != "+79123456789" || m.From != "PROFSOYUZ" || code == "" {
		t.Fatalf("sms %+v", m)
	}
	if r := e.say(t, 777700, code); !strings.Contains(r.Text, "привязан") {
		t.Fatalf("the SMS code: %q", r.Text)
	}
}
