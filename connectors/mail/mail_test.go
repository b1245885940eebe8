package mail_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/profhub/profhub/connectors/mail"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
)

// sink is an SMTP server that keeps what it receives.
type sink struct {
	addr    string
	mu      sync.Mutex
	letters []sunk
	arrived chan sunk
}

type sunk struct {
	from, to, user string
	data           string
}

type sinkSession struct {
	s   *sink
	cur sunk
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

func (ss *sinkSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (ss *sinkSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if pass != "mailbox-password" {
			return errors.New("bad password")
		}
		ss.cur.user = user
		return nil
	}), nil
}
func (ss *sinkSession) Mail(from string, _ *smtp.MailOptions) error { ss.cur.from = from; return nil }
func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "nobody@") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	ss.cur.to = to
	return nil
}
func (ss *sinkSession) Data(r io.Reader) error {
	b, _ := io.ReadAll(r)
	ss.cur.data = string(b)
	ss.s.mu.Lock()
	ss.s.letters = append(ss.s.letters, ss.cur)
	ss.s.mu.Unlock()
	ss.s.arrived <- ss.cur
	return nil
}
func (ss *sinkSession) Reset()        {}
func (ss *sinkSession) Logout() error { return nil }

func startSink(t *testing.T) *sink {
	s := &sink{arrived: make(chan sunk, 100)}
	srv := smtp.NewServer(s)
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

type env struct {
	n     *hubtest.Node
	dc    *dovecot
	sink  *sink
	line  inbox.Line
	opTok string
	ch    inbox.Channel
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dc := startDovecot(t)
	sk := startSink(t)
	n := hubtest.Start(t)
	e := &env{n: n, dc: dc, sink: sk}
	op := n.AddUser(t, "op1", access.Operator, n.Root.ID, "password-1")
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Почта", n.Root.ID, inbox.Manual
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	var err error
	if e.line, err = n.Inbox.Lines.Create(context.Background(), n.System, l); err != nil {
		t.Fatal(err)
	}
	if e.opTok, _, err = n.Auth.CreateToken(context.Background(), n.System, op.ID, "test", 0); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) settings() map[string]string {
	sh, sp, _ := net.SplitHostPort(e.sink.addr)
	return map[string]string{"imap_host": e.dc.host, "imap_port": e.dc.port, "imap_tls": "none",
		"smtp_host": sh, "smtp_port": sp, "smtp_tls": "none", "username": e.dc.user, "from_address": "hotline@union.example",
		"signature": "{operator}\nГорячая линия обкома", "sent_folder": "Sent"}
}

func (e *env) channel(t *testing.T) inbox.Channel {
	t.Helper()
	ch, _, err := e.n.Inbox.Channels.Create(context.Background(), e.n.System, inbox.NewChannel{LineID: e.line.ID, Kind: inbox.KindMail,
		Name: "Горячая линия", Settings: e.settings(), Secrets: map[string]string{"password": e.dc.pass}})
	if err != nil {
		t.Fatal(err)
	}
	e.ch = ch
	return ch
}

func (e *env) call(t *testing.T, method, path string, body any) (int, []byte) {
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

func (e *env) messages(t *testing.T, conv string) []inbox.Message {
	t.Helper()
	code, body := e.call(t, "GET", "/api/v1/inbox/conversations/"+conv+"/messages", nil)
	if code != 200 {
		t.Fatalf("messages: %d %s", code, body)
	}
	var res struct{ Messages []inbox.Message }
	_ = json.Unmarshal(body, &res)
	return res.Messages
}

// inbound is every member message of the channel, with its conversation.
func (e *env) inbound(t *testing.T) []inbox.Message {
	t.Helper()
	rows, err := e.n.DB.Query(`SELECT DISTINCT conversation_id FROM inbox_messages WHERE channel_id = $1 AND direction = 'in'`, e.ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	var convs []string
	for rows.Next() {
		var id string
		_ = rows.Scan(&id)
		convs = append(convs, id)
	}
	rows.Close()
	var out []inbox.Message
	for _, c := range convs {
		for _, m := range e.messages(t, c) {
			if m.Direction == inbox.DirIn {
				out = append(out, m)
			}
		}
	}
	return out
}

func (e *env) waitInbound(t *testing.T, n int) []inbox.Message {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := e.inbound(t)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d letters arrived, want %d: %+v", len(got), n, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func letter(from, id, subject, extra, body string) string {
	return strings.ReplaceAll(fmt.Sprintf("From: %s\nTo: hotline@union.example\nSubject: %s\nMessage-ID: <%s>\nDate: %s\n%sContent-Type: text/plain; charset=utf-8\n\n%s\n",
		from, subject, id, time.Now().Format(time.RFC1123Z), extra, body), "\n", "\r\n")
}

func TestChannelHookChecksLogin(t *testing.T) {
	e := newEnv(t)
	s := e.settings()
	_, _, err := e.n.Inbox.Channels.Create(context.Background(), e.n.System, inbox.NewChannel{LineID: e.line.ID, Kind: inbox.KindMail,
		Name: "x", Settings: s, Secrets: map[string]string{"password": "wrong"}})
	if err == nil || !strings.Contains(err.Error(), "could not sign in") || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("a wrong password was accepted or echoed: %v", err)
	}
	s["folders"] = "INBOX, Nonexistent"
	_, _, err = e.n.Inbox.Channels.Create(context.Background(), e.n.System, inbox.NewChannel{LineID: e.line.ID, Kind: inbox.KindMail,
		Name: "x", Settings: s, Secrets: map[string]string{"password": e.dc.pass}})
	if err == nil || !strings.Contains(err.Error(), "Nonexistent") {
		t.Fatalf("a missing folder was accepted: %v", err)
	}
	ch := e.channel(t)
	if ch.Settings["folders"] != "INBOX" || ch.Settings["imap_tls"] != "none" {
		t.Fatalf("defaults: %+v", ch.Settings)
	}
}

// TestLetterReplyAndAnswer is the whole path: a letter arrives over IMAP,
// the operator answers through the inbox API, the SMTP server receives
// exactly one letter answering the member's, and the member's answer to
// it joins the same conversation.
func TestLetterReplyAndAnswer(t *testing.T) {
	e := newEnv(t)
	e.channel(t)
	e.dc.appendLetter(t, "INBOX", letter("Мария Иванова <Maria@Example.RU>", "first@example.ru", "Вопрос об отпуске", "", "Сколько дней отпуска положено?"))
	// The same letter delivered twice stays one letter.
	e.dc.appendLetter(t, "INBOX", letter("Мария Иванова <Maria@Example.RU>", "first@example.ru", "Вопрос об отпуске", "", "Сколько дней отпуска положено?"))
	got := e.waitInbound(t, 1)
	m := got[0]
	if !strings.Contains(m.Text, "Сколько дней отпуска положено?") || !strings.Contains(m.Text, "Sender not verified") {
		t.Fatalf("letter text: %q", m.Text)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].ContentType != "message/rfc822" {
		t.Fatalf("raw letter not kept: %+v", m.Attachments)
	}
	if n := e.dc.seen(t); n != 0 {
		t.Errorf("%d letters marked seen by the connector", n)
	}

	code, body := e.call(t, "POST", "/api/v1/inbox/conversations/"+m.ConversationID+"/messages", inbox.ReplyInput{Text: "Положено 28 дней."})
	if code != http.StatusCreated {
		t.Fatalf("reply: %d %s", code, body)
	}
	var sent sunk
	select {
	case sent = <-e.sink.arrived:
	case <-time.After(20 * time.Second):
		t.Fatalf("no letter reached the SMTP server: %+v", e.messages(t, m.ConversationID))
	}
	if sent.to != "maria@example.ru" || sent.from != "hotline@union.example" ||
		!strings.Contains(sent.data, "In-Reply-To: <first@example.ru>") || !strings.Contains(sent.data, "Message-Id: <out.") ||
		!strings.Contains(sent.data, "References: <first@example.ru>") {
		t.Fatalf("sent letter:\n%s", sent.data)
	}
	parsed, err := netmail.ReadMessage(strings.NewReader(sent.data))
	if err != nil {
		t.Fatal(err)
	}
	letterBody, _ := io.ReadAll(quotedprintable.NewReader(parsed.Body))
	if !strings.Contains(strings.ReplaceAll(string(letterBody), "\r\n", "\n"), "Положено 28 дней.\n\n-- \nТест op1\nГорячая линия обкома") {
		t.Errorf("letter not signed by its operator:\n%s", letterBody)
	}
	// The sent letter is kept raw and copied to the mailbox's Sent folder.
	for deadline := time.Now().Add(10 * time.Second); e.dc.count(t, "Sent") != 1; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d letters in Sent, want 1", e.dc.count(t, "Sent"))
		}
	}
	var rawKey string
	if err := e.n.DB.QueryRow(`SELECT raw_key FROM mail_letters WHERE channel_id = $1 AND direction = 'out'`, e.ch.ID).Scan(&rawKey); err != nil || rawKey == "" {
		t.Fatalf("raw copy of the sent letter: %q %v", rawKey, err)
	}
	if f, err := e.n.Blobs.Open(context.Background(), rawKey); err != nil {
		t.Fatal(err)
	} else {
		kept, _ := io.ReadAll(f)
		f.Close()
		if !strings.Contains(string(kept), "Message-Id: <out.") {
			t.Fatalf("kept copy:\n%s", kept)
		}
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(parsed.Header.Get("Subject"))
	if want := "Re: Вопрос об отпуске [#"; !strings.HasPrefix(subject, want) {
		t.Errorf("subject %q, want %q…", subject, want)
	}
	ourID := sent.data[strings.Index(sent.data, "Message-Id: <")+len("Message-Id: <"):]
	ourID = ourID[:strings.Index(ourID, ">")]
	if !strings.Contains(ourID, m.ConversationID) {
		t.Errorf("our Message-ID %q does not carry the conversation", ourID)
	}

	// The member answers; an auto-reply and a bounce open nothing.
	e.dc.appendLetter(t, "INBOX", letter("maria@example.ru", "second@example.ru", "RE: Вопрос об отпуске", "In-Reply-To: <"+ourID+">\nReferences: <"+ourID+">\n", "Спасибо!"))
	e.dc.appendLetter(t, "INBOX", letter("robot@stranger.example", "auto@stranger.example", "Out of office", "Auto-Submitted: auto-replied\n", "I am away."))
	e.waitInbound(t, 2)
	time.Sleep(time.Second)
	got = e.inbound(t)
	if len(got) != 2 || got[1].ConversationID != m.ConversationID || !strings.Contains(got[1].Text, "Спасибо!") {
		t.Fatalf("answer did not join the conversation: %+v", got)
	}
	time.Sleep(500 * time.Millisecond)
	e.sink.mu.Lock()
	n := len(e.sink.letters)
	e.sink.mu.Unlock()
	if n != 1 {
		t.Errorf("%d letters sent, want exactly 1", n)
	}

	// A bounce of our letter opens nothing and is recorded against it.
	bounce := strings.ReplaceAll(strings.ReplaceAll(mail.Fixtures["bounce"], "out.m1.c1@union.example", ourID), "bounce-1@", "bounce-2@")
	e.dc.appendLetter(t, "INBOX", bounce)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var why string
		_ = e.n.DB.QueryRow(`SELECT bounce FROM mail_letters WHERE message_id = $1`, ourID).Scan(&why)
		if strings.Contains(why, "550 5.1.1 user unknown") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("bounce not recorded: %q", why)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The status is reported just after the bounce is recorded.
	var st inbox.ChannelStatus
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		st, err = e.n.Inbox.Channels.Status(context.Background(), e.n.System, e.ch.ID)
		if (err == nil && strings.Contains(st.LastError, "bounced")) || time.Now().After(deadline) {
			break
		}
	}
	if err != nil || !strings.Contains(st.LastError, "bounced") {
		t.Errorf("channel status after a bounce: %+v %v", st, err)
	}
	// The reply itself now shows failed, with the reason, for the operator.
	replyID, _, _ := strings.Cut(strings.TrimPrefix(ourID, "out."), ".")
	var status, reason string
	_ = e.n.DB.QueryRow(`SELECT status, status_reason FROM inbox_messages WHERE id = $1`, replyID).Scan(&status, &reason)
	if status != "failed" || !strings.Contains(reason, "bounced") {
		t.Errorf("bounced reply is %q (%q), want failed", status, reason)
	}
	if got := e.inbound(t); len(got) != 2 {
		t.Errorf("the bounce opened something: %d letters", len(got))
	}

	// A colleague answering the same letter of ours (Outlook: no
	// In-Reply-To, only our subject tag) gets a conversation of their own,
	// with a note saying which letter they answer.
	tag := subject[strings.Index(subject, "[#"):]
	e.dc.appendLetter(t, "INBOX", letter("kollega@example.ru", "third@example.ru", "RE: "+tag+" Вопрос", "Thread-Index: AQHZ\n", "И мне ответьте"))
	got = e.waitInbound(t, 3)
	var other inbox.Message
	for _, x := range got {
		if strings.Contains(x.Text, "И мне ответьте") {
			other = x
		}
	}
	if other.ConversationID == m.ConversationID || !strings.Contains(other.Text, "In reply to our letter to maria@example.ru") {
		t.Errorf("colleague's letter: conversation %s (member's %s), %q", other.ConversationID, m.ConversationID, other.Text)
	}
}
