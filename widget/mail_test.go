package widget_test

import (
	"io"
	"mime"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"

	"github.com/profhub/profhub/inbox"
)

// letterSink is an SMTP server that hands over the letters it receives.
type letterSink struct{ got chan letter }

type letter struct{ to, subject, text string }

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
	p, err := mr.NextPart()
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(p.Body)
	ss.s.got <- letter{to: ss.to, subject: subject, text: string(b)}
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

// startMailbox serves an empty in-memory IMAP mailbox: the mail channel
// signs in when it is saved and then watches it.
func startMailbox(t *testing.T) string {
	mem := imapmemserver.New()
	u := imapmemserver.NewUser("hotline", "mailbox-password")
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{InsecureAuth: true, Caps: imap.CapSet{imap.CapIMAP4rev1: {}},
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		}})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}

// The offline form answered by e-mail: a visitor who left an address and
// is not on the site gets the operator's reply as a letter from the
// union's mailbox; while their chat is open they get it only in the chat.
func TestAwayVisitorGetsTheReplyByMail(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	sink, addr := startLetterSink(t)
	host, port, _ := net.SplitHostPort(addr)
	_, imapPort, _ := net.SplitHostPort(startMailbox(t))
	mailCh, _, err := f.n.Inbox.CreateChannel(ctx, f.n.System, inbox.NewChannel{LineID: f.line.ID, Kind: inbox.KindMail, Name: "hotline@",
		Settings: map[string]string{"imap_host": host, "imap_port": imapPort, "imap_tls": "none", "smtp_host": host, "smtp_port": port,
			"smtp_tls": "none", "username": "hotline", "from_address": "hotline@union.example", "from_name": "Профсоюз"},
		Secrets: map[string]string{"password": "mailbox-password"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.n.Inbox.UpdateChannel(ctx, f.n.System, f.ch.ID, inbox.ChannelChanges{Settings: map[string]string{
		"offline_mail_channel": mailCh.ID}}); err != nil {
		t.Fatal(err)
	}

	code, out, _ := f.req(t, "POST", "/widget/v1/offline/"+f.ch.ID, siteOrigin, map[string]any{"name": "Анна",
		"contact": "anna@example.org", "consent": true, "text": "Как вступить в профсоюз?", "client_id": "q1"})
	if code != 201 {
		t.Fatalf("offline form: %d %v", code, out)
	}
	conv := out["conversation_id"].(string)
	f.reply(t, conv, "Напишите заявление председателю первичной организации.")
	select {
	case l := <-sink.got:
		subject, _ := new(mime.WordDecoder).DecodeHeader(l.subject)
		if l.to != "anna@example.org" || !strings.Contains(subject, "Профсоюз") ||
			!strings.Contains(l.text, "Напишите заявление председателю") || !strings.Contains(l.text, f.op.FullName) {
			t.Fatalf("letter: %+v (subject %q)", l, subject)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no letter to the away visitor")
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
