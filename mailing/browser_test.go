package mailing_test

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/mailing/mailingtest"
)

// TestMailingsPageInChromium drives the secretaries' page in real
// Chromium (web/browsertest/mailings.test.mjs) against a whole hub and a
// local SMTP sink. It runs when PROFHUB_TEST_BROWSER=1.
func TestMailingsPageInChromium(t *testing.T) {
	if os.Getenv("PROFHUB_TEST_BROWSER") != "1" {
		t.Skip("set PROFHUB_TEST_BROWSER=1 (needs /usr/bin/chromium, node and web/browsertest/node_modules)")
	}
	dir := "../web/browsertest"
	if _, err := os.Stat(dir + "/node_modules/playwright-core"); err != nil {
		t.Fatal("run `npm install` in web/browsertest first")
	}
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
	n.AddUser(t, "secretary", access.Secretary, n.Root.ID, pw)
	n.AddUser(t, "mailadmin", access.Administrator, n.Root.ID, pw)
	ctx := t.Context()
	host, port, _ := net.SplitHostPort(sink.Addr)
	p, _ := strconv.Atoi(port)
	if _, err := n.Mailing.CreateAccount(ctx, n.System, mailing.SMTPAccount{Name: "Федерация", Host: host, Port: p, TLS: "none",
		FromAddress: "news@union.example.org", FromName: "Федерация профсоюзов"}); err != nil {
		t.Fatal(err)
	}
	l, err := n.Mailing.CreateList(ctx, n.System, "Делегаты конференции")
	if err != nil {
		t.Fatal(err)
	}
	var es []mailing.ListEntry
	for i := range 5 {
		es = append(es, mailing.ListEntry{Name: "Орлова Мария Ивановна", Email: "delegate" + strconv.Itoa(i) + "@example.net", Consents: []string{"email"}})
	}
	es = append(es, mailing.ListEntry{Name: "Без Согласия", Email: "no@example.net"},
		mailing.ListEntry{Name: "Отписалась Ранее", Email: "unsubscribed@example.net", Consents: []string{"email"}})
	if _, err := n.Mailing.AppendToList(ctx, n.System, l.ID, es); err != nil {
		t.Fatal(err)
	}
	// The page's count leaves her out, as the send does.
	if err := n.Mailing.Suppress(ctx, n.System, "email", "unsubscribed@example.net", mailing.ReasonUnsubscribe); err != nil {
		t.Fatal(err)
	}
	// Screenshots go where the web tests put theirs (not tracked); the ones
	// in docs/screenshots were copied from there after looking at them.
	shots, _ := filepath.Abs("../web/browsertest/screenshots")
	cmd := exec.Command("node", "mailings.test.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PROFHUB_BASE="+n.Server.URL, "PROFHUB_PASSWORD="+pw, "PROFHUB_SHOTS="+shots,
		"PROFHUB_ADMIN_LOGIN=mailadmin")
	timer := time.AfterFunc(2*time.Minute, func() { _ = cmd.Process.Kill() })
	out, err := cmd.CombinedOutput()
	timer.Stop()
	if err != nil {
		t.Fatalf("browser test failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
	if on, err := n.Mailing.Tracking(ctx); err != nil || !on {
		t.Fatalf("tracking after the administrator's switch = %v, %v", on, err)
	}
	if c := sink.Counts(); c.Recipients != 5 || c.Duplicates != 0 || sink.Got("no@example.net") != 0 || sink.Got("unsubscribed@example.net") != 0 {
		t.Fatalf("sink %+v", c)
	}
	if got := e.tg.messages(); len(got) != 1 || got[0].Chat != 1001 || got[0].Text != "Здравствуйте, Мария! <b>Собрание</b> в пятницу." {
		t.Fatalf("Telegram got %+v", got)
	}
}
