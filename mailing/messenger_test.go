package mailing_test

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/testkit/tgtest"
	"github.com/profhub/profhub/internal/testkit/vktest"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/mailing/mailingtest"
)

// msgEnv is a hub with a Telegram bot and a VK community on loopback
// fakes, an SMS gateway fake, and a secretary of the root unit.
type msgEnv struct {
	t          *testing.T
	ctx        context.Context
	n          *hubtest.Node
	tg         *tgtest.Server
	vk         *vktest.Server
	sms        *fakeSMS
	sec        access.Scope
	tgCh, vkCh inbox.Channel
	gate       string
}

// newVK is the VK API of the campaign's community (group 77).
func newVK(t *testing.T) *vktest.Server {
	f := vktest.New(t)
	f.GroupID = 77
	return f
}

// newTelegram is the Bot API for the campaign's bot. A send anywhere in
// a pause Telegram asked for counts as a violation (no grace): a campaign
// has no replies in flight that may have been on their way already.
func newTelegram(t *testing.T) *tgtest.Server {
	f := tgtest.New(t)
	f.PauseGrace = 0
	return f
}

func newMsgEnv(t *testing.T) *msgEnv {
	t.Helper()
	e := &msgEnv{t: t, ctx: context.Background(), tg: newTelegram(t), vk: newVK(t), sms: newFakeSMS(t)}
	e.n = hubtest.Start(t)
	e.n.Config.BaseURL = e.n.Server.URL
	e.sec = access.Scope{UserID: "sec", UserName: "Секретарь", Role: access.Secretary, UnitID: e.n.Root.ID, UnitPath: e.n.Root.Path, From: "test"}
	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Обращения", e.n.Root.ID
	line, err := e.n.Inbox.Lines.Create(e.ctx, e.n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	if e.tgCh, _, err = e.n.Inbox.Channels.Create(e.ctx, e.n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindTelegram, Name: "Бот",
		Settings: map[string]string{"mode": "webhook", "api_url": e.tg.URL}, Secrets: map[string]string{"bot_token": e.tg.Token}}); err != nil {
		t.Fatal(err)
	}
	if e.vkCh, _, err = e.n.Inbox.Channels.Create(e.ctx, e.n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindVK, Name: "Сообщество",
		Settings: map[string]string{"api_url": e.vk.APIURL(), "confirmation": "c0nf"},
		Secrets:  map[string]string{"access_token": e.vk.Token, "secret": "vk-secret"}}); err != nil {
		t.Fatal(err)
	}
	g, err := e.n.Mailing.SMSGateways.CreateSMSGateway(e.ctx, e.n.System, mailing.SMSGatewayConfig{Name: "шлюз", Kind: "http", URL: e.sms.URL})
	if err != nil {
		t.Fatal(err)
	}
	e.gate = g.ID
	return e
}

// member adds a member with a phone and mailing consent on the channels given.
func (e *msgEnv) member(surname, given, phone string, consents ...string) crm.Member {
	e.t.Helper()
	in := crm.MemberInput{UnitID: e.n.Root.ID, Surname: surname, GivenName: given, Consents: crm.Consents{Mailings: map[string]crm.Consent{}}}
	if phone != "" {
		in.Phones = []string{phone}
	}
	for _, ch := range consents {
		in.Consents.Mailings[ch] = crm.Consent{Given: true, Date: "2026-01-10", Source: "form"}
	}
	m, err := e.n.CRM.Members.CreateMember(e.ctx, e.n.System, in, true)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// link makes chat write to the channel and links its contact to m, as an
// operator does in the console; it returns the conversation.
func (e *msgEnv) link(ch inbox.Channel, chat string, m crm.Member) string {
	e.t.Helper()
	res, err := e.n.Inbox.Ingestion.Ingest(e.ctx, inbox.Inbound{ChannelID: ch.ID, ExternalChatID: chat, ExternalMessageID: "hello-" + chat,
		From: inbox.Identity{Namespace: ch.Kind, ExternalID: chat, Name: m.FullName}, Text: "Здравствуйте"})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.n.Inbox.Actions.LinkMember(e.ctx, e.n.System, res.ConversationID, m.ID); err != nil {
		e.t.Fatal(err)
	}
	return res.ConversationID
}

const meetingMessage = "<b>Здравствуйте, {{.GivenName}}!</b>\nСобрание в пятницу. <a href=\"https://union.example.org/meet\">Подробнее</a>"

func (e *msgEnv) start(name string, channels ...string) mailing.Campaign {
	e.t.Helper()
	c, err := e.n.Mailing.Campaigns.CreateCampaign(e.ctx, e.sec, mailing.CampaignInput{Name: name, Channels: channels,
		Segments:   []mailing.Segment{{Filter: &mailing.FilterSpec{UnitID: e.n.Root.ID}}},
		Messengers: map[string]string{"telegram": e.tgCh.ID, "vk": e.vkCh.ID}, SMSGate: e.gate,
		Content: mailing.Content{Message: meetingMessage, SMS: "Собрание в пятницу"}})
	if err != nil {
		e.t.Fatal(err)
	}
	if c, err = e.n.Mailing.Actions.Start(e.ctx, e.sec, c.ID, time.Time{}); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// smtpSink starts a counting SMTP sink that keeps each recipient's letter
// and makes it an SMTP account of the federation; it returns the account.
func (e *msgEnv) smtpSink() (*mailingtest.Sink, string) {
	e.t.Helper()
	sink, err := mailingtest.Start("")
	if err != nil {
		e.t.Fatal(err)
	}
	sink.KeepRaw = true
	e.t.Cleanup(sink.Close)
	host, port, _ := net.SplitHostPort(sink.Addr)
	p, _ := strconv.Atoi(port)
	acc, err := e.n.Mailing.Accounts.CreateAccount(e.ctx, e.n.System, mailing.SMTPAccount{Name: "sink", Host: host, Port: p, TLS: "none",
		FromAddress: "news@union.example.org", FromName: "Профсоюз"})
	if err != nil {
		e.t.Fatal(err)
	}
	return sink, acc.ID
}

func (e *msgEnv) waitFinished(id string, within time.Duration) {
	e.t.Helper()
	deadline := time.Now().Add(within)
	for {
		c, err := e.n.Mailing.Campaigns.GetCampaign(e.ctx, e.sec, id)
		if err != nil {
			e.t.Fatal(err)
		}
		if c.Status == mailing.StatusFinished {
			return
		}
		if time.Now().After(deadline) {
			st, _ := e.n.Mailing.Campaigns.CampaignStats(e.ctx, e.sec, id)
			e.t.Fatalf("campaign is %s (%s), not finished; ledger %+v", c.Status, c.Alert, st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A campaign with the priority Telegram, then VK, then SMS, to a mixed
// segment reaches each person once on the first channel they are linked
// to and consent to; Telegram's 429 is waited out, a member who blocked
// the bot is failed with the reason and suppressed, and a member's name
// cannot add markup to the Telegram message.
func TestMessengerCampaignPriority(t *testing.T) {
	e := newMsgEnv(t)
	all := []string{"telegram", "vk", "sms"}
	both := e.member("Алексеева", "Анна", "+79000000001", all...)
	e.link(e.tgCh, "1001", both)
	e.link(e.vkCh, "2001", both)
	vkOnly := e.member("Борисов", "Борис", "+79000000002", all...)
	e.link(e.vkCh, "2002", vkOnly)
	smsOnly := e.member("Васильева", "Вера", "+79000000003", all...)
	noTgConsent := e.member("Григорьев", "Глеб", "+79000000004", "vk", "sms")
	e.link(e.tgCh, "1004", noTgConsent)
	e.link(e.vkCh, "2004", noTgConsent)
	blocked := e.member("Дмитриева", "Дарья", "", "telegram")
	e.link(e.tgCh, "1005", blocked)
	evil := e.member("Ершов", "Евгений <script>&", "", "telegram")
	e.link(e.tgCh, "1006", evil)
	e.member("Жуков", "Жан", "+79000000007") // no consent: not sent to

	e.tg.Set(func(f *tgtest.Server) {
		f.Fail429, f.RetryAfter = 1, 1
		f.Blocked[1005] = true
	})
	e.vk.Set(func(f *vktest.Server) { f.SendErrs = []int{6} }) // VK's "too many requests per second" once
	c := e.start("Собрание в пятницу", all...)
	e.waitFinished(c.ID, 30*time.Second)

	tgGot := map[int64][]tgtest.Sent{}
	for _, m := range e.tg.SentCalls() {
		tgGot[m.ChatID] = append(tgGot[m.ChatID], m)
	}
	if len(tgGot) != 2 || len(tgGot[1001]) != 1 || len(tgGot[1006]) != 1 {
		t.Fatalf("Telegram got %v, want one message each in chats 1001 and 1006", tgGot)
	}
	if m := tgGot[1001][0]; m.ParseMode != "HTML" || !strings.Contains(m.Text, "<b>Здравствуйте, Анна!</b>") ||
		!strings.Contains(m.Text, `<a href="https://union.example.org/meet">`) {
		t.Errorf("Telegram message %+v", m)
	}
	if m := tgGot[1006][0].Text; strings.Contains(m, "<script>") || !strings.Contains(m, "Евгений &lt;script&gt;&amp;") {
		t.Errorf("a member's name was not escaped: %q", m)
	}
	e.tg.Mu.Lock()
	violations := e.tg.Violations
	e.tg.Mu.Unlock()
	if len(violations) > 0 {
		t.Errorf("%d messages sent inside the pause Telegram asked for: %v", len(violations), violations)
	}

	e.vk.Mu.Lock()
	vkGot := e.vk.DeliveredTo
	e.vk.Mu.Unlock()
	if len(vkGot) != 2 || len(vkGot[2002]) != 1 || len(vkGot[2004]) != 1 {
		t.Fatalf("VK got %v, want one message each for peers 2002 and 2004", vkGot)
	}
	if m := vkGot[2002][0]; m != "Здравствуйте, Борис!\nСобрание в пятницу. Подробнее (https://union.example.org/meet)" {
		t.Errorf("VK message %q", m)
	}

	e.sms.mu.Lock()
	smsGot := e.sms.sent
	e.sms.mu.Unlock()
	if len(smsGot) != 1 || len(smsGot[smsOnly.Phones[0]]) != 1 {
		t.Errorf("SMS got %v, want one to %s", smsGot, smsOnly.Phones[0])
	}

	st, err := e.n.Mailing.Campaigns.CampaignStats(e.ctx, e.sec, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 6 || st.ByChannel["telegram"]["sent"] != 2 || st.ByChannel["telegram"]["failed"] != 1 ||
		st.ByChannel["vk"]["sent"] != 2 || st.ByChannel["sms"]["sent"] != 1 {
		t.Errorf("ledger %+v", st)
	}
	var reason string
	if err := e.n.DB.QueryRow(`SELECT reason FROM mailing_suppressions WHERE channel = 'telegram' AND address = '1005'`).Scan(&reason); err != nil || reason != "blocked" {
		t.Errorf("the member who blocked the bot is not suppressed: %q %v", reason, err)
	}

	// The mailing is on each recipient's CRM timeline, with its channel
	// and outcome.
	for _, tc := range []struct {
		m              crm.Member
		channel, state string
	}{{both, "telegram", "sent"}, {vkOnly, "vk", "sent"}, {smsOnly, "sms", "sent"}, {blocked, "telegram", "failed"}} {
		tl, err := e.n.CRM.Timelines.MemberTimeline(e.ctx, e.sec, tc.m.ID, time.Time{}, 20)
		if err != nil {
			t.Fatal(err)
		}
		var found *crm.TimelineEntry
		for i, en := range tl.Entries {
			if en.Kind == "mailing" {
				found = &tl.Entries[i]
			}
		}
		if found == nil || found.Channel != tc.channel || found.Status != tc.state || !strings.Contains(found.Title, "Собрание в пятницу") ||
			found.Link != "/mailings#"+c.ID {
			t.Errorf("%s: timeline %+v (failed sources %v), want a %s mailing %s", tc.m.Surname, tl.Entries, tl.Failed, tc.channel, tc.state)
		}
		if tc.state == "failed" && !strings.Contains(found.Summary, "blocked") {
			t.Errorf("%s: the timeline does not say why: %+v", tc.m.Surname, found)
		}
	}
}

// A VK campaign whose runner is stopped while VK's answers are lost (the
// messages arrived, the hub never heard) and then started again resends
// those rows with the same random_id: VK shows each member one message.
func TestVKCampaignResendAfterAbortHasNoDuplicates(t *testing.T) {
	e := newMsgEnv(t)
	const n = 40
	for i := range n {
		m := e.member("Участник", "Номер "+strconv.Itoa(i), "", "vk")
		e.link(e.vkCh, strconv.Itoa(3000+i), m)
	}
	c := e.start("Новости", "vk")
	waitFor(t, func() bool { return e.vk.Count("messages.send") >= 10 })
	e.vk.Set(func(f *vktest.Server) { f.Swallow = true })
	waitFor(t, func() bool { return e.vk.Count("messages.send") >= 16 })
	e.n.Mailing.Stop() // the job ends with sends whose answers never came
	e.vk.Set(func(f *vktest.Server) { f.Swallow = false })
	e.n.Mailing.Run()
	e.waitFinished(c.ID, 30*time.Second)

	calls := e.vk.Count("messages.send")
	e.vk.Mu.Lock()
	defer e.vk.Mu.Unlock()
	if len(e.vk.DeliveredTo) != n {
		t.Fatalf("VK delivered to %d peers, want %d", len(e.vk.DeliveredTo), n)
	}
	for peer, ms := range e.vk.DeliveredTo {
		if len(ms) != 1 {
			t.Errorf("peer %d got %d messages", peer, len(ms))
		}
	}
	if calls <= n {
		t.Errorf("%d messages.send calls for %d members: nothing was resent, the test proved nothing", calls, n)
	}
	st, err := e.n.Mailing.Campaigns.CampaignStats(e.ctx, e.sec, c.ID)
	if err != nil || st.ByChannel["vk"]["sent"] != n {
		t.Errorf("ledger %+v %v", st, err)
	}
	t.Logf("%d messages.send calls, %d members, each shown once", calls, n)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 20 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
