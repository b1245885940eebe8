package widget_test

import (
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
)

// Typing and read marks both ways: the visitor's typing and reading reach
// the operator's console as ephemeral events; the operator's typing (with
// their name) and opening the conversation reach the visitor's socket.
func TestTypingAndReadMarks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	console, err := f.n.Inbox.Events.NewClient(ctx, f.opScope)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.n.Inbox.Events.Attach(context.Background(), console); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.n.Inbox.Events.Detach(console) })

	token := f.session(t)
	s := f.mustDial(t, token, "")
	ack, _ := s.exchange("c1", "Здравствуйте")
	conv := ack.ConversationID

	s.send(map[string]any{"type": "typing"})
	ev := consoleEvent(t, console, inbox.EvTyping)
	if ev.ConversationID != conv || ev.Data["who"] != "contact" {
		t.Fatalf("typing event: %+v", ev)
	}

	// The operator takes the conversation and types: the visitor sees who.
	f.reply(t, conv, "Добрый день")
	s.msgs(1)
	if err := f.n.Inbox.Events.OperatorTyping(ctx, f.opScope, conv); err != nil {
		t.Fatal(err)
	}
	if fr := s.next(isType("typing")); fr.Author != f.op.FullName {
		t.Fatalf("typing frame %+v, want author %q", fr, f.op.FullName)
	}

	// The visitor writes again; the operator opens the conversation.
	ack2, _ := s.exchange("c2", "Вопрос про отпуск")
	if err := f.n.Inbox.Actions.MarkRead(ctx, f.opScope, conv); err != nil {
		t.Fatal(err)
	}
	if fr := s.next(isType("read")); fr.Seq < ack2.Seq {
		t.Fatalf("read frame %+v, want seq ≥ %d", fr, ack2.Seq)
	}
	// A new socket (a reload) gets the read state at once.
	s2 := f.mustDial(t, token, "")
	if fr := s2.next(isType("read")); fr.Seq < ack2.Seq {
		t.Fatalf("read frame after a reload %+v, want seq ≥ %d", fr, ack2.Seq)
	}

	// The visitor has seen the reply: the console learns how far.
	s.send(map[string]any{"type": "read", "seq": ack2.Seq})
	if ev := consoleEvent(t, console, inbox.EvContactRead); ev.ConversationID != conv || ev.Data["seq"] != float64(ack2.Seq) {
		t.Fatalf("contact_read event: %+v", ev)
	}

	// An operator who does not answer the conversation cannot type into it.
	other := f.n.AddUser(t, "op2", access.Operator, f.n.Root.ID, "password-2")
	sc := f.opScope
	sc.UserID, sc.UserName = other.ID, other.Login
	if err := f.n.Inbox.Events.OperatorTyping(ctx, sc, conv); err == nil {
		t.Fatal("an operator outside the line typed into the conversation")
	}
}

// consoleEvent waits for an event of kind on a console client. Ephemeral
// events pass through Redis pub/sub, so data numbers arrive as float64.
func consoleEvent(t *testing.T, c *inbox.Client, kind string) *inbox.Event {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case ev := <-c.Events():
			if ev.Kind == kind {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %s event", kind)
		}
	}
}
