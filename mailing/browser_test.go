package mailing_test

import (
	"net"
	"strconv"
	"testing"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/mailing/mailingtest"
	"github.com/profhub/profhub/web/browsertest"
)

// TestMailingsPageInChromium drives the secretaries' page in real
// Chromium (web/browsertest/mailings.test.mjs) against a whole hub and a
// local SMTP sink. It runs when PROFHUB_TEST_BROWSER=1.
func TestMailingsPageInChromium(t *testing.T) {
	browsertest.Require(t)
	sink, err := mailingtest.Start("")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	e := newMsgEnv(t) // a hub with a Telegram bot on a loopback fake
	n := e.n
	const pw = "secretary-password"
	member := e.member("Орлова", "Мария", "", "telegram")
	e.link(e.tgCh, "1001", member)
	browsertest.Users(t, n, n.Root.ID, pw, browsertest.User{Login: "secretary", Role: access.Secretary},
		browsertest.User{Login: "mailadmin", Role: access.Administrator})
	ctx := t.Context()
	host, port, _ := net.SplitHostPort(sink.Addr)
	p, _ := strconv.Atoi(port)
	if _, err := n.Mailing.Accounts.CreateAccount(ctx, n.System, mailing.SMTPAccount{Name: "Федерация", Host: host, Port: p, TLS: "none",
		FromAddress: "news@union.example.org", FromName: "Федерация профсоюзов"}); err != nil {
		t.Fatal(err)
	}
	l, err := n.Mailing.Lists.CreateList(ctx, n.System, "Делегаты конференции")
	if err != nil {
		t.Fatal(err)
	}
	var es []mailing.ListEntry
	for i := range 5 {
		es = append(es, mailing.ListEntry{Name: "Орлова Мария Ивановна", Email: "delegate" + strconv.Itoa(i) + "@example.net", Consents: []string{"email"}})
	}
	es = append(es, mailing.ListEntry{Name: "Без Согласия", Email: "no@example.net"},
		mailing.ListEntry{Name: "Отписалась Ранее", Email: "unsubscribed@example.net", Consents: []string{"email"}})
	if _, err := n.Mailing.Lists.AppendToList(ctx, n.System, l.ID, es); err != nil {
		t.Fatal(err)
	}
	// The page's count leaves her out, as the send does.
	if err := n.Mailing.Suppressions.Suppress(ctx, n.System, "email", "unsubscribed@example.net", mailing.ReasonUnsubscribe); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "mailings.test.mjs", Base: n.Server.URL,
		Env: []string{"PROFHUB_PASSWORD=" + pw, "PROFHUB_ADMIN_LOGIN=mailadmin"}})
	if on, err := n.Mailing.Tracking.Tracking(ctx); err != nil || !on {
		t.Fatalf("tracking after the administrator's switch = %v, %v", on, err)
	}
	if c := sink.Counts(); c.Recipients != 5 || c.Duplicates != 0 || sink.Got("no@example.net") != 0 || sink.Got("unsubscribed@example.net") != 0 {
		t.Fatalf("sink %+v", c)
	}
	if got := e.tg.SentCalls(); len(got) != 1 || got[0].ChatID != 1001 || got[0].Text != "Здравствуйте, Мария! <b>Собрание</b> в пятницу." {
		t.Fatalf("Telegram got %+v", got)
	}
}
