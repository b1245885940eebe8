package widget_test

import (
	"bytes"
	"io"
	"mime"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/testkit/imaptest"
)

// letterSink is an SMTP server that hands over the letters it receives.
type letterSink struct{ got chan letter }

type letter struct{ to, subject, text, html, id string }

type sinkSession struct {
	s  *letterSink
	to string
}

func (s *letterSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }
func (ss *sinkSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error { ss.to = to; return nil }
func (ss *sinkSession) Reset()                                    {}
func (ss *sinkSession) Logout() error                             { return nil }
func (ss *sinkSession) Data(r io.Reader) error {
	mr, err := mail.CreateReader(r)
	if err != nil {
		return err
	}
	subject, _ := mr.Header.Subject()
	id, _ := mr.Header.MessageID()
	l := letter{to: ss.to, subject: subject, id: id}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(p.Body)
		ctype := p.Header.Get("Content-Type")
		switch {
		case strings.HasPrefix(ctype, "text/html"):
			l.html = string(b)
		case l.text == "":
			l.text = string(b)
		}
	}
	ss.s.got <- l
	return nil
}

func startLetterSink(t *testing.T) (*letterSink, string) {
	s := &letterSink{got: make(chan letter, 10)}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s, l.Addr().String()
}

// withMailbox makes a mail channel on a fake SMTP server and IMAP mailbox
// and names it the widget channel's mailbox for answers by e-mail.
func (f *fixture) withMailbox(t *testing.T) (inbox.Channel, *letterSink, *imapmemserver.User) {
	t.Helper()
	ctx := t.Context()
	sink, addr := startLetterSink(t)
	host, port, _ := net.SplitHostPort(addr)
	// The mail channel signs in when it is saved and then watches the
	// mailbox (IDLE tells it of a letter the test puts in the INBOX).
	mbox := imaptest.Start(t, "hotline", imaptest.Options{Idle: true})
	imapAddr, user := mbox.Addr, mbox.User
	_, imapPort, _ := net.SplitHostPort(imapAddr)
	mailCh, _, err := f.n.Inbox.Channels.Create(ctx, f.n.System, inbox.NewChannel{LineID: f.line.ID, Kind: inbox.KindMail, Name: "hotline@",
		Settings: map[string]string{"imap_host": host, "imap_port": imapPort, "imap_tls": "none", "smtp_host": host, "smtp_port": port,
			"smtp_tls": "none", "username": "hotline", "from_address": "hotline@union.example", "from_name": "Профсоюз"},
		Secrets: map[string]string{"password": "mailbox-password"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.n.Inbox.Channels.Update(ctx, f.n.System, f.ch.ID, inbox.ChannelChanges{Settings: map[string]string{
		"offline_mail_channel": mailCh.ID}}); err != nil {
		t.Fatal(err)
	}
	return mailCh, sink, user
}

// answeredByMail leaves the offline form with contact, answers it with
// reply while the visitor is away, and returns the form's answer, the
// conversation and the letter that went out.
func (f *fixture) answeredByMail(t *testing.T, sink *letterSink, contact, reply string) (map[string]any, string, letter) {
	t.Helper()
	code, out, _ := f.req(t, "POST", "/widget/v1/offline/"+f.ch.ID, siteOrigin, map[string]any{"name": "Анна",
		"contact": contact, "consent": true, "text": "Как вступить в профсоюз?", "client_id": "q1"})
	if code != 201 {
		t.Fatalf("offline form: %d %v", code, out)
	}
	conv := out["conversation_id"].(string)
	f.reply(t, conv, reply)
	select {
	case l := <-sink.got:
		return out, conv, l
	case <-time.After(20 * time.Second):
		t.Fatal("no letter to the away visitor")
	}
	return nil, "", letter{}
}

// The offline form answered by e-mail: a visitor who left an address and
// is not on the site gets the operator's reply as a letter from the
// union's mailbox; while their chat is open they get it only in the chat.
func TestAwayVisitorGetsTheReplyByMail(t *testing.T) {
	f := newFixture(t)
	_, sink, _ := f.withMailbox(t)
	out, conv, l := f.answeredByMail(t, sink, "anna@example.org", "Напишите заявление председателю первичной организации.")
	subject, _ := new(mime.WordDecoder).DecodeHeader(l.subject)
	if l.to != "anna@example.org" || !strings.Contains(subject, "Профсоюз") ||
		!strings.Contains(l.text, "Напишите заявление председателю") || !strings.Contains(l.text, f.op.FullName) {
		t.Fatalf("letter: %+v (subject %q)", l, subject)
	}

	// Back on the site: the next reply comes in the chat only.
	s := f.mustDial(t, out["token"].(string), "")
	f.reply(t, conv, "Бланк заявления есть на сайте.")
	for seen := false; !seen; {
		for _, m := range s.next(isType("messages")).Messages {
			seen = seen || strings.Contains(m.Text, "Бланк заявления")
		}
	}
	select {
	case l := <-sink.got:
		t.Fatalf("a letter to a visitor who is on the site: %+v", l)
	case <-time.After(time.Second):
	}
}

// The visitor answers the e-mailed reply from their mail client: the
// letter joins their chat, where the operator sees it in the same
// conversation and the visitor sees it on the site; a stranger who quotes
// the same Message-ID gets an ordinary mail conversation instead.
func TestMailedAnswersReplyJoinsTheChat(t *testing.T) {
	f := newFixture(t)
	mailCh, sink, mailbox := f.withMailbox(t)
	out, conv, sent := f.answeredByMail(t, sink, "Anna@Example.org", "Напишите заявление председателю.")
	if !strings.HasPrefix(sent.id, "widget.") || !strings.HasSuffix(sent.id, "@union.example") {
		t.Fatalf("Message-ID of the answer: %q", sent.id)
	}

	deliver := func(from, id, text string) {
		raw := "From: " + from + "\r\nTo: hotline@union.example\r\nSubject: Re: answer\r\nMessage-ID: <" + id + ">\r\n" +
			"In-Reply-To: <" + sent.id + ">\r\nReferences: <" + sent.id + ">\r\nDate: " + time.Now().Format(time.RFC1123Z) + "\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n\r\n> Напишите заявление председателю.\r\n"
		if _, err := mailbox.Append("INBOX", bytes.NewReader([]byte(raw)), &imap.AppendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	deliver("Anna <anna@example.org>", "reply-1@example.org", "Спасибо! А где взять бланк?")
	var got inbox.Message
	for deadline := time.Now().Add(45 * time.Second); got.ID == ""; {
		msgs, err := f.n.Inbox.Conversations.MessagesAfter(t.Context(), conv, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if strings.Contains(m.Text, "А где взять бланк?") {
				got = m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reply by e-mail did not join the chat; conversation: %+v", msgs)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got.Direction != inbox.DirIn {
		t.Fatalf("joined message: %+v", got)
	}
	if len(got.Attachments) == 0 || got.Attachments[0].ContentType != "message/rfc822" {
		t.Fatalf("the original letter is not attached: %+v", got.Attachments)
	}
	if n := f.count(t, `SELECT COUNT(*) FROM inbox_conversations WHERE channel_id = $1`, mailCh.ID); n != 0 {
		t.Fatalf("%d mail conversations opened by the visitor's reply", n)
	}
	s := f.mustDial(t, out["token"].(string), "")
	for seen := false; !seen; {
		for _, m := range s.next(isType("messages")).Messages {
			seen = seen || m.Direction == "in" && strings.Contains(m.Text, "А где взять бланк?")
		}
	}

	// The same letter read again is not stored twice; a stranger quoting
	// the Message-ID opens a mail conversation of their own.
	deliver("Anna <anna@example.org>", "reply-1@example.org", "Спасибо! А где взять бланк?")
	deliver("mallory@example.net", "forged-1@example.net", "Я тоже Анна")
	for deadline := time.Now().Add(45 * time.Second); f.count(t, `SELECT COUNT(*) FROM inbox_conversations WHERE channel_id = $1`, mailCh.ID) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the stranger's letter opened no mail conversation")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if n := f.count(t, `SELECT COUNT(*) FROM inbox_messages WHERE conversation_id = $1 AND text LIKE '%бланк?%'`, conv); n != 1 {
		t.Fatalf("the visitor's reply is in the chat %d times", n)
	}
	if n := f.count(t, `SELECT COUNT(*) FROM inbox_messages WHERE conversation_id = $1 AND text LIKE '%тоже Анна%'`, conv); n != 0 {
		t.Fatal("a stranger's letter joined the visitor's chat")
	}
}
