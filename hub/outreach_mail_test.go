package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	stdmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/testkit/imaptest"
	"github.com/profhub/profhub/mailing/mailingtest"
)

// An operator writes first to a member who has only an e-mail address:
// the card offers the line's mailbox at that address, the conversation
// starts on the mail channel, the letter reaches the SMTP server (a sink
// speaking SMTP through go-smtp, as the product's client does) once, and
// the member's answer by e-mail joins the same conversation. A member who
// has not agreed to e-mail is refused, and nothing is sent.
func TestOutreachEmailRoundTrip(t *testing.T) {
	e := newOutreachEnv(t)
	ctx := context.Background()
	sink, err := mailingtest.Start("")
	if err != nil {
		t.Fatal(err)
	}
	sink.KeepRaw = true
	t.Cleanup(sink.Close)
	mbox := imaptest.Start(t, "hotline", imaptest.Options{})
	sHost, sPort, _ := net.SplitHostPort(sink.Addr)
	iHost, iPort, _ := net.SplitHostPort(mbox.Addr)
	mailCh, _, err := e.n.Inbox.Channels.Create(ctx, e.n.System, inbox.NewChannel{LineID: e.ch.LineID, Kind: inbox.KindMail, Name: "hotline@",
		Settings: map[string]string{"imap_host": iHost, "imap_port": iPort, "imap_tls": "none", "smtp_host": sHost, "smtp_port": sPort,
			"smtp_tls": "none", "username": "hotline", "from_address": "hotline@union.example.org", "from_name": "Профсоюз"},
		Secrets: map[string]string{"password": imaptest.Password}})
	if err != nil {
		t.Fatal(err)
	}
	card := func(surname, email string, consents ...string) crm.Member {
		t.Helper()
		in := crm.MemberInput{UnitID: e.home.ID, Surname: surname, GivenName: "Ольга", Emails: []string{email},
			Consents: crm.Consents{Mailings: map[string]crm.Consent{}}}
		for _, c := range consents {
			in.Consents.Mailings[c] = crm.Consent{Given: true, Date: "2026-01-10", Source: "заявление"}
		}
		m, err := e.n.CRM.Members.CreateMember(ctx, e.n.System, in, true)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	agreed := card("Жукова", "Olga.Zhukova@example.org", "email")
	refused := card("Лисицына", "olga.l@example.org", "sms")

	code, body := e.call(t, "GET", "/api/v1/crm/members/"+agreed.ID+"/channels", nil)
	var reach struct{ Channels []crm.ReachChannel }
	_ = json.Unmarshal(body, &reach)
	if code != 200 || len(reach.Channels) != 1 || reach.Channels[0].ChannelID != mailCh.ID || reach.Channels[0].Kind != inbox.KindMail ||
		reach.Channels[0].Address != "olga.zhukova@example.org" || !reach.Channels[0].Consent {
		t.Fatalf("channels of a member with only an e-mail = %d %s", code, body)
	}

	text := "Ольга, добрый день! Ваше заявление на матпомощь рассмотрено."
	code, body = e.call(t, "POST", "/api/v1/crm/members/"+agreed.ID+"/conversations",
		map[string]string{"channel_id": mailCh.ID, "address": "olga.zhukova@example.org", "text": text})
	var conv inbox.Conversation
	_ = json.Unmarshal(body, &conv)
	if code != http.StatusCreated || conv.ChannelID != mailCh.ID || conv.AssigneeID != e.op.ID || conv.ExternalChatID != "olga.zhukova@example.org" {
		t.Fatalf("start on mail = %d %s", code, body)
	}
	deadline := time.Now().Add(15 * time.Second)
	for sink.Got("olga.zhukova@example.org") == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // a second letter would show by now
	if n := sink.Got("olga.zhukova@example.org"); n != 1 {
		t.Fatalf("%d letters reached the member's address, want 1", n)
	}
	letter, err := stdmail.ReadMessage(bytes.NewReader(sink.Raw("olga.zhukova@example.org")))
	if err != nil {
		t.Fatal(err)
	}
	if from := letter.Header.Get("From"); !strings.Contains(from, "hotline@union.example.org") {
		t.Errorf("letter from %q", from)
	}
	if got := plainText(t, sink.Raw("olga.zhukova@example.org")); !strings.Contains(got, "заявление на матпомощь") {
		t.Errorf("the letter's text lacks the operator's: %q", got)
	}

	// The member answers the letter: the answer joins the conversation.
	sentID := letter.Header.Get("Message-ID")
	mbox.Deliver(t, "From: Olga <Olga.Zhukova@example.org>\r\nTo: hotline@union.example.org\r\nSubject: Re: обращение\r\n"+
		"Message-ID: <answer-1@example.org>\r\nIn-Reply-To: "+sentID+"\r\nReferences: "+sentID+"\r\nDate: "+time.Now().Format(time.RFC1123Z)+
		"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nСпасибо, зайду в профком.\r\n")
	var joined string
	deadline = time.Now().Add(20 * time.Second)
	for joined == "" && time.Now().Before(deadline) {
		_ = e.n.DB.QueryRow(`SELECT conversation_id FROM inbox_messages WHERE channel_id = $1 AND direction = 'in' AND text LIKE '%зайду в профком%'`,
			mailCh.ID).Scan(&joined)
		time.Sleep(100 * time.Millisecond)
	}
	if joined != conv.ID {
		t.Fatalf("the member's answer went to %q, not the started conversation %s", joined, conv.ID)
	}

	// Without consent to e-mail: refused, nothing stored, nothing sent.
	convs, accepted := e.conversations(t), sink.Accepted()
	code, body = e.call(t, "POST", "/api/v1/crm/members/"+refused.ID+"/conversations",
		map[string]string{"channel_id": mailCh.ID, "address": "olga.l@example.org", "text": "Добрый день"})
	if code != http.StatusForbidden || !strings.Contains(string(body), "outreach_no_consent") && !strings.Contains(string(body), "согласия") {
		t.Fatalf("without consent to e-mail = %d %s", code, body)
	}
	time.Sleep(500 * time.Millisecond)
	if n := e.conversations(t); n != convs {
		t.Fatalf("%d conversations stored by a refused start", n-convs)
	}
	if sink.Accepted() != accepted || sink.Got("olga.l@example.org") != 0 {
		t.Fatalf("a letter was sent without consent")
	}
}

// plainText is a letter's text/plain part, decoded.
func plainText(t *testing.T, raw []byte) string {
	t.Helper()
	ent, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var out string
	_ = ent.Walk(func(_ []int, part *message.Entity, err error) error {
		if err != nil {
			return err
		}
		if typ, _, _ := part.Header.ContentType(); typ == "text/plain" && out == "" {
			b, _ := io.ReadAll(part.Body)
			out = string(b)
		}
		return nil
	})
	return out
}
