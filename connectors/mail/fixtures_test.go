package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/connectors/mail"
	"github.com/profhub/profhub/inbox"
)

// TestHostileLettersOverIMAP delivers the parser's fixtures to a real
// Dovecot and checks what the inbox makes of them: readable, harmless,
// nothing lost, and automatic letters opening nothing.
func TestHostileLettersOverIMAP(t *testing.T) {
	e := newEnv(t)
	e.channel(t)
	for _, k := range []string{"koi8", "hostile", "attachments", "2000 parts", "1000 deep", "outlook", "auto", "bounce"} {
		e.dc.appendLetter(t, "INBOX", mail.Fixtures[k])
	}
	e.waitInbound(t, 6)
	time.Sleep(time.Second) // the auto-reply and the bounce come last
	got := e.inbound(t)
	if len(got) != 6 {
		t.Fatalf("%d letters in the inbox, want 6 (no auto-reply from a stranger, no bounce)", len(got))
	}
	by := map[string]inbox.Message{}
	for _, m := range got {
		switch {
		case strings.Contains(m.Text, "Задержка зарплаты"):
			by["koi8"] = m
		case strings.Contains(m.Text, "Subject: hi"):
			by["hostile"] = m
		case strings.Contains(m.Text, "See attached."):
			by["attachments"] = m
		case strings.Contains(m.Text, "Subject: many"):
			by["many"] = m
		case strings.Contains(m.Text, "Subject: deep"):
			by["deep"] = m
		case strings.Contains(m.Text, "Thanks, see below."):
			by["outlook"] = m
		}
	}
	if m := by["koi8"]; !strings.Contains(m.Text, "Нам третий месяц не платят зарплату.") {
		t.Errorf("KOI8-R letter: %q", m.Text)
	}
	if m := by["hostile"]; strings.Contains(m.Text, "alert") || len(m.Attachments) != 2 || m.Attachments[1].Name != "letter.html" {
		t.Errorf("hostile letter: %q %+v", m.Text, m.Attachments)
	}
	names := []string{}
	for _, a := range by["attachments"].Attachments {
		names = append(names, a.Name)
	}
	if strings.Join(names[1:], ",") != "passwd,invoicefdp.exe,attachment-3.png" {
		t.Errorf("attachment names: %q", names)
	}
	for _, k := range []string{"many", "deep"} {
		m := by[k]
		if !strings.HasPrefix(m.Text, "[Quarantined:") || len(m.Attachments) != 1 || m.Attachments[0].ContentType != "message/rfc822" {
			t.Errorf("%s: %q %+v", k, m.Text, m.Attachments)
		}
	}
	if m := by["outlook"]; !strings.Contains(m.Text, "[Sender not verified") && !strings.Contains(m.Text, "Sender verified") {
		t.Errorf("outlook letter has no verdict: %q", m.Text)
	}

	// A restart after the server renumbered the folder reads it again and
	// duplicates nothing.
	ctx := context.Background()
	if err := e.n.Inbox.Channels.SetDisabled(ctx, e.n.System, e.ch.ID, true); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second)
	if _, err := e.n.DB.Exec(`UPDATE mail_folders SET uid_validity = 1, last_uid = 0 WHERE channel_id = $1`, e.ch.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.n.Inbox.Channels.SetDisabled(ctx, e.n.System, e.ch.ID, false); err != nil {
		t.Fatal(err)
	}
	e.dc.appendLetter(t, "INBOX", letter("late@example.ru", "late@example.ru", "после", "", "новое письмо"))
	e.waitInbound(t, 7)
	time.Sleep(time.Second)
	if n := len(e.inbound(t)); n != 7 {
		t.Errorf("%d letters after rereading the folder, want 7", n)
	}
	if n := e.dc.seen(t); n != 0 {
		t.Errorf("%d letters marked seen", n)
	}
}

// TestSMTPRefusalFailsTheReply: a 5xx answer fails the reply for good with
// the server's words.
func TestSMTPRefusalFailsTheReply(t *testing.T) {
	e := newEnv(t)
	e.channel(t)
	e.dc.appendLetter(t, "INBOX", letter("nobody@example.ru", "q@example.ru", "вопрос", "", "текст"))
	m := e.waitInbound(t, 1)[0]
	code, body := e.call(t, "POST", "/api/v1/inbox/conversations/"+m.ConversationID+"/messages", inbox.ReplyInput{Text: "ответ"})
	if code != 201 {
		t.Fatalf("reply: %d %s", code, body)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, x := range e.messages(t, m.ConversationID) {
			if x.Direction == inbox.DirOut && x.Status == inbox.DeliveryFailed {
				if !strings.Contains(x.StatusReason, "550") {
					t.Errorf("reason: %q", x.StatusReason)
				}
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("reply not failed: %+v", e.messages(t, m.ConversationID))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestReplyWithAttachment: files of a reply go out attached, under their
// cleaned names, and the text stays readable.
func TestReplyWithAttachment(t *testing.T) {
	e := newEnv(t)
	e.channel(t)
	e.dc.appendLetter(t, "INBOX", letter("member@example.ru", "att@example.ru", "справка", "", "пришлите справку"))
	m := e.waitInbound(t, 1)[0]
	a, err := e.n.Inbox.Attachments.Upload(context.Background(), e.n.System, m.ConversationID, "Справка.pdf", strings.NewReader("%PDF-1.4 test"))
	if err != nil {
		t.Fatal(err)
	}
	code, body := e.call(t, "POST", "/api/v1/inbox/conversations/"+m.ConversationID+"/messages",
		inbox.ReplyInput{Text: "Справка во вложении.", Attachments: []inbox.Attachment{{BlobKey: a.BlobKey}}})
	if code != 201 {
		t.Fatalf("reply: %d %s", code, body)
	}
	select {
	case s := <-e.sink.arrived:
		if !strings.Contains(s.data, "multipart/mixed") || !strings.Contains(s.data, "JVBERi0xLjQgdGVzdA==") ||
			!strings.Contains(s.data, "filename") {
			t.Errorf("letter with a file:\n%s", s.data)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("nothing sent")
	}
}

// TestWatcherReconnects: the server goes away and comes back; the watcher
// reports the failure, reconnects with backoff and reads what arrived.
func TestWatcherReconnects(t *testing.T) {
	e := newEnv(t)
	e.channel(t)
	e.dc.appendLetter(t, "INBOX", letter("a@example.ru", "r1@example.ru", "один", "", "первое"))
	e.waitInbound(t, 1)
	e.dc.stop()
	time.Sleep(2 * time.Second)
	e.dc.start(t)
	e.dc.appendLetter(t, "INBOX", letter("a@example.ru", "r2@example.ru", "два", "", "второе"))
	e.waitInbound(t, 2)
	st, err := e.n.Inbox.Channels.Status(context.Background(), e.n.System, e.ch.ID)
	if err != nil || st.LastError == "" || st.LastUpdateAt < st.LastErrorAt {
		t.Errorf("status after the outage: %+v %v", st, err)
	}
}

// TestAutoReplies: the line's welcome goes out marked Auto-Submitted, so
// the member's server does not answer it; an automatic answer from a
// member we wrote to arrives marked as such, one from a stranger opens
// nothing.
func TestAutoReplies(t *testing.T) {
	e := newEnv(t)
	l := e.line
	l.WelcomeReply = "Здравствуйте! Мы ответим в течение дня."
	if _, err := e.n.Inbox.Lines.Update(context.Background(), e.n.System, l); err != nil {
		t.Fatal(err)
	}
	e.channel(t)
	e.dc.appendLetter(t, "INBOX", letter("member@example.ru", "w1@example.ru", "вопрос", "", "текст"))
	select {
	case s := <-e.sink.arrived:
		if !strings.Contains(s.data, "Auto-Submitted: auto-replied") {
			t.Errorf("welcome without Auto-Submitted:\n%s", s.data)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no welcome sent")
	}
	e.dc.appendLetter(t, "INBOX", letter("robot@stranger.example", "w2@stranger.example", "Auto", "Precedence: bulk\n", "рассылка"))
	e.dc.appendLetter(t, "INBOX", letter("member@example.ru", "w3@example.ru", "Автоответ", "Auto-Submitted: auto-replied\n", "Я в отпуске"))
	e.waitInbound(t, 2)
	time.Sleep(time.Second)
	if got := e.inbound(t); len(got) != 2 || !strings.Contains(got[1].Text, "[Automatic reply (Auto-Submitted: auto-replied)]") {
		t.Fatalf("letters: %+v", got)
	}
	select {
	case s := <-e.sink.arrived:
		t.Errorf("a second automatic letter went out:\n%s", s.data)
	case <-time.After(time.Second):
	}
}
