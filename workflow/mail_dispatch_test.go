package workflow_test

import (
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/settings"
	"github.com/profhub/profhub/internal/testkit/imaptest"
	"github.com/profhub/profhub/workflow"
)

// letterSink is an SMTP server that hands over the letters it receives, or
// refuses every recipient with 550 while refuse is set.
type letterSink struct {
	got    chan letter
	refuse atomic.Bool
}

type letter struct {
	to, subject, messageID, text string
	files                        map[string]string // attachment name → content
}

type sinkSession struct {
	s  *letterSink
	to string
}

func (s *letterSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }
func (ss *sinkSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.s.refuse.Load() {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	ss.to = to
	return nil
}
func (ss *sinkSession) Reset()        {}
func (ss *sinkSession) Logout() error { return nil }
func (ss *sinkSession) Data(r io.Reader) error {
	mr, err := mail.CreateReader(r)
	if err != nil {
		return err
	}
	subject, _ := mr.Header.Subject()
	id, _ := mr.Header.MessageID()
	l := letter{to: ss.to, subject: subject, messageID: id, files: map[string]string{}}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(p.Body)
		if ah, ok := p.Header.(*mail.AttachmentHeader); ok {
			name, _ := ah.Filename()
			l.files[name] = string(b)
		} else if l.text == "" {
			l.text = string(b)
		}
	}
	ss.s.got <- l
	return nil
}

func startServers(t *testing.T) (*letterSink, string, string) {
	s := &letterSink{got: make(chan letter, 10)}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	// The mail channel signs in to its IMAP mailbox when it is saved.
	mbox := imaptest.Start(t, "docs", imaptest.Options{})
	return s, l.Addr().String(), mbox.Addr
}

// An outgoing document dispatched by e-mail leaves through the mail channel
// named by the setting; a refused letter is visible on the document and is
// sent again on request, once.
func TestAPIOutgoingDispatchByMail(t *testing.T) {
	f := newAPIFixture(t)
	outgoing := func(title string) workflow.Document {
		var doc workflow.Document
		f.sec.call(t, "POST", "/api/v1/workflow/documents", `{"kind":"outgoing","title":"`+title+`","correspondent":"Минтруд"}`,
			http.StatusCreated, &doc)
		code, _, body := f.sec.raw(t, "POST", workflow.UploadPrefix+"documents/"+doc.ID+"?name=otvet.pdf", "application/pdf", []byte("%PDF-1.4 ответ"))
		if code != http.StatusCreated {
			t.Fatalf("upload: %d %s", code, body)
		}
		f.sec.decide(t, doc.ID, `{"decision":"to_chairman"}`)
		f.chair.decide(t, doc.ID, `{"decision":"approve"}`)
		return doc
	}
	doc := outgoing("Ответ в Минтруд")
	// No mailbox configured: a clear refusal, the step stays open.
	resp := f.sec.call(t, "POST", "/api/v1/workflow/documents/"+doc.ID+"/decisions",
		`{"decision":"dispatch","dispatch":{"method":"email","address":"mintrud@example.org"}}`, http.StatusUnprocessableEntity, nil)
	if !strings.Contains(resp, "workflow.mail_channel") {
		t.Fatalf("unconfigured: %s", resp)
	}

	sink := f.mailChannel(t)
	resp = f.sec.call(t, "POST", "/api/v1/workflow/documents/"+doc.ID+"/decisions",
		`{"decision":"dispatch","dispatch":{"method":"email","address":"not an address"}}`, http.StatusUnprocessableEntity, nil)
	if !strings.Contains(resp, "dispatch.address") {
		t.Fatalf("bad address: %s", resp)
	}
	d := f.sec.decide(t, doc.ID, `{"decision":"dispatch","dispatch":{"method":"email","address":"mintrud@example.org",
		"mail":{"status":"sent"}}}`)
	if d.Status != workflow.StatusClosed || d.Dispatch.Mail == nil || d.Dispatch.Mail.Status != workflow.MailSent || d.Dispatch.Mail.Attempts != 1 {
		t.Fatalf("dispatched %+v mail %+v", d.Dispatch, d.Dispatch.Mail)
	}
	select {
	case l := <-sink.got:
		subject, _ := new(mime.WordDecoder).DecodeHeader(l.subject)
		if l.to != "mintrud@example.org" || !strings.Contains(subject, d.Number) || !strings.Contains(l.text, "otvet.pdf (версия 1") ||
			!strings.Contains(l.text, "Подписано: Тест C.") {
			t.Fatalf("letter %+v (subject %q)", l, subject)
		}
		// The signed file itself travels with the letter, and the
		// document keeps the letter's Message-ID.
		if len(l.files) != 1 || l.files["otvet.pdf"] != "%PDF-1.4 ответ" {
			t.Fatalf("attachments %q", l.files)
		}
		if l.messageID == "" || d.Dispatch.Mail.MessageID != l.messageID {
			t.Fatalf("Message-ID on the document %q, of the letter %q", d.Dispatch.Mail.MessageID, l.messageID)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no letter")
	}
	// Sent once: sending again is a conflict.
	f.sec.call(t, "POST", "/api/v1/workflow/documents/"+doc.ID+"/mail", "", http.StatusConflict, nil)
	var view workflow.DocumentView
	f.sec.call(t, "GET", "/api/v1/workflow/documents/"+doc.ID, "", http.StatusOK, &view)
	if !hasMailEvent(view.History, "sent") {
		t.Fatalf("history %+v", view.History)
	}

	// A permanent refusal: recorded on the document, then sent on request.
	doc = outgoing("Второй ответ")
	sink.refuse.Store(true)
	d = f.sec.decide(t, doc.ID, `{"decision":"dispatch","dispatch":{"method":"email","address":"nobody@example.org"}}`)
	if m := d.Dispatch.Mail; m == nil || m.Status != workflow.MailFailed || !m.Permanent || !strings.Contains(m.Error, "550") {
		t.Fatalf("refused %+v", d.Dispatch.Mail)
	}
	f.exec1.call(t, "POST", "/api/v1/workflow/documents/"+doc.ID+"/mail", "", http.StatusNotFound, nil)
	sink.refuse.Store(false)
	var again workflow.Document
	f.sec.call(t, "POST", "/api/v1/workflow/documents/"+doc.ID+"/mail", "", http.StatusOK, &again)
	if m := again.Dispatch.Mail; m.Status != workflow.MailSent || m.Attempts != 2 || m.Error != "" {
		t.Fatalf("retried %+v", m)
	}
	select {
	case l := <-sink.got:
		if l.to != "nobody@example.org" {
			t.Fatalf("retried letter %+v", l)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no retried letter")
	}
	f.sec.call(t, "GET", "/api/v1/workflow/documents/"+doc.ID, "", http.StatusOK, &view)
	if !hasMailEvent(view.History, "failed") || !hasMailEvent(view.History, "sent") {
		t.Fatalf("history %+v", view.History)
	}
	// A document sent by post has no letter to send.
	doc = outgoing("Третий")
	f.sec.decide(t, doc.ID, `{"decision":"dispatch","dispatch":{"method":"post","address":"г. Москва"}}`)
	f.sec.call(t, "POST", "/api/v1/workflow/documents/"+doc.ID+"/mail", "", http.StatusUnprocessableEntity, nil)
}

// mailChannel starts an SMTP sink behind a mail channel and names it in
// the setting workflow.mail_channel.
func (f *apiFixture) mailChannel(t *testing.T) *letterSink {
	ctx := t.Context()
	sink, smtpAddr, imapAddr := startServers(t)
	host, port, _ := net.SplitHostPort(smtpAddr)
	_, imapPort, _ := net.SplitHostPort(imapAddr)
	line := inbox.DefaultLine()
	line.Name, line.UnitID = "Канцелярия", f.committee.ID
	ln, err := f.n.Inbox.Lines.Create(ctx, f.n.System, line)
	if err != nil {
		t.Fatal(err)
	}
	ch, _, err := f.n.Inbox.Channels.Create(ctx, f.n.System, inbox.NewChannel{LineID: ln.ID, Kind: inbox.KindMail, Name: "docs@",
		Settings: map[string]string{"imap_host": host, "imap_port": imapPort, "imap_tls": "none", "smtp_host": host, "smtp_port": port,
			"smtp_tls": "none", "username": "docs", "from_address": "docs@union.example", "from_name": "Обком"},
		Secrets: map[string]string{"password": "mailbox-password"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := settings.Set(ctx, f.n.DB, f.n.System, workflow.SettingMailChannel, ch.ID); err != nil {
		t.Fatal(err)
	}
	return sink
}

func hasMailEvent(h []workflow.Event, status string) bool {
	for _, e := range h {
		if e.Action == "mail" && e.Details["status"] == status {
			return true
		}
	}
	return false
}

// A new task is e-mailed to its holder once, with a link to the document;
// a holder without an address gets no letter. In a hub the notification
// centre sends it (package notify), by the holder's default choice for
// documents sent to them; the workflow's own task e-mails stay off.
func TestAPITaskMail(t *testing.T) {
	f := newAPIFixture(t)
	ctx := t.Context()
	sink := f.mailChannel(t)
	if _, err := f.n.DB.ExecContext(ctx, `UPDATE users SET email = 'chair@union.example' WHERE id = $1`, f.chair.id); err != nil {
		t.Fatal(err)
	}
	f.n.Docs.Mail.SetBaseURL("https://hub.example.org")
	f.n.Notify.SetBaseURL("https://hub.example.org")
	var doc workflow.Document
	f.sec.call(t, "POST", "/api/v1/workflow/documents", `{"kind":"outgoing","title":"Письмо в Минтруд"}`, http.StatusCreated, &doc)
	f.sec.decide(t, doc.ID, `{"decision":"to_chairman"}`)
	if _, err := f.n.Docs.Deadlines.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case l := <-sink.got:
		subject, _ := new(mime.WordDecoder).DecodeHeader(l.subject)
		if l.to != "chair@union.example" || !strings.Contains(subject, doc.Number) ||
			!strings.Contains(l.text, "https://hub.example.org/documents#doc/"+doc.ID) {
			t.Fatalf("task letter %+v (subject %q)", l, subject)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no task letter")
	}
	// The secretary's own task (no address) and a second sweep: no letters.
	if _, err := f.n.Docs.Deadlines.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case l := <-sink.got:
		t.Fatalf("a second letter %+v", l)
	case <-time.After(time.Second):
	}
	var pending int
	if err := f.n.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM wf_notifications WHERE mail_state IN ('pending', 'sending')`).Scan(&pending); err != nil || pending != 0 {
		t.Fatalf("pending task mails %d %v", pending, err)
	}
}
