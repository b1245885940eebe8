package mail_test

import (
	"context"
	"net/http"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
)

// TestMailLoops runs the loop rules against a real Dovecot: the line's
// welcome goes once to a member, and never to our own address, a mailing
// list, a null return path, or a member answered within the hour; our own
// letter coming back opens nothing; an operator's reply carries the
// member's References plus their Message-ID and answers the member's
// letter, not their vacation notice.
func TestMailLoops(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	l := e.line
	l.WelcomeReply = "Здравствуйте! Мы ответим в течение дня."
	l.ReopenWindowH = 0 // a letter after a close opens a new conversation
	if _, err := e.n.Inbox.Lines.Update(ctx, e.n.System, l); err != nil {
		t.Fatal(err)
	}
	e.channel(t)
	next := func(what string) sunk {
		t.Helper()
		select {
		case s := <-e.sink.arrived:
			return s
		case <-time.After(20 * time.Second):
			t.Fatalf("%s: nothing sent", what)
		}
		return sunk{}
	}
	nothingSent := func(what string) {
		t.Helper()
		select {
		case s := <-e.sink.arrived:
			t.Fatalf("%s: a letter went to %s:\n%s", what, s.to, s.data)
		case <-time.After(2 * time.Second):
		}
	}

	// A member writes: one welcome.
	e.dc.appendLetter(t, "INBOX", letter("member@example.ru", "m1@example.ru", "вопрос", "", "первый вопрос"))
	if w := next("welcome"); w.to != "member@example.ru" || !strings.Contains(w.data, "Auto-Submitted: auto-replied") {
		t.Fatalf("welcome to %s:\n%s", w.to, w.data)
	}
	first := e.waitInbound(t, 1)[0]
	if _, err := e.n.Inbox.Actions.Close(ctx, e.n.System, first.ConversationID); err != nil {
		t.Fatal(err)
	}
	// Letters no machine may answer, and the member again within the hour.
	e.dc.appendLetter(t, "INBOX", letter("member@example.ru", "m2@example.ru", "ещё вопрос", "", "второй вопрос"))
	e.dc.appendLetter(t, "INBOX", letter("Горячая линия <HotLine@union.example>", "own@union.example", "проверка", "", "письмо самим себе"))
	e.dc.appendLetter(t, "INBOX", letter("reader@lists.example", "list1@lists.example", "Новости", "List-Id: Новости <news.lists.example>\n", "выпуск"))
	e.dc.appendLetter(t, "INBOX", letter("robot@example.org", "null1@example.org", "Уведомление", "Return-Path: <>\n", "уведомление"))
	got := e.waitInbound(t, 5)
	nothingSent("letters that must not be answered automatically")
	var second inbox.Message
	for _, m := range got {
		if strings.Contains(m.Text, "второй вопрос") {
			second = m
		}
	}
	if second.ConversationID == "" || second.ConversationID == first.ConversationID {
		t.Fatalf("the member's second letter did not open a new conversation: %+v", got)
	}

	// In the open conversation: a letter with References, then the
	// member's vacation notice; the operator's reply answers the letter.
	e.dc.appendLetter(t, "INBOX", letter("member@example.ru", "m3@example.ru", "Re: ещё вопрос",
		"In-Reply-To: <m2@example.ru>\nReferences: <m1@example.ru> <m2@example.ru>\n", "третье письмо"))
	e.waitInbound(t, 6)
	e.dc.appendLetter(t, "INBOX", letter("member@example.ru", "away@example.ru", "Автоответ: ещё вопрос",
		"Auto-Submitted: auto-replied\nIn-Reply-To: <m3@example.ru>\n", "Я в отпуске"))
	e.waitInbound(t, 7)
	nothingSent("an auto-reply")
	if code, body := e.call(t, "POST", "/api/v1/inbox/conversations/"+second.ConversationID+"/messages",
		inbox.ReplyInput{Text: "Отвечаем на ваш вопрос."}); code != http.StatusCreated {
		t.Fatalf("reply: %d %s", code, body)
	}
	reply := next("the operator's reply")
	msg, err := netmail.ReadMessage(strings.NewReader(reply.data))
	if err != nil {
		t.Fatal(err)
	}
	if irt := msg.Header.Get("In-Reply-To"); irt != "<m3@example.ru>" {
		t.Errorf("In-Reply-To %q, want the member's letter, not the vacation notice", irt)
	}
	if refs := strings.Join(strings.Fields(msg.Header.Get("References")), " "); refs != "<m1@example.ru> <m2@example.ru> <m3@example.ru>" {
		t.Errorf("References %q, want the letter's References plus its Message-ID", refs)
	}

	// Our own letter arriving back (a copy to ourselves) opens nothing.
	e.dc.appendLetter(t, "INBOX", reply.data)
	e.dc.appendLetter(t, "INBOX", letter("late@example.ru", "late@example.ru", "после", "", "последнее"))
	e.waitInbound(t, 8)
	time.Sleep(time.Second)
	if n := len(e.inbound(t)); n != 8 {
		t.Errorf("%d letters in the inbox, want 8 (our own letter came back and was taken in)", n)
	}
	if w := next("welcome to the last sender"); w.to != "late@example.ru" {
		t.Errorf("welcome went to %s", w.to)
	}
	nothingSent("the end")
}
