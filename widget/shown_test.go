package widget_test

import (
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
)

// shown reads profhub_widget_messages_shown_total{read=from}.
func (f *fixture) shown(t *testing.T, from string) float64 {
	t.Helper()
	fams, err := f.n.Metrics.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, fam := range fams {
		if fam.GetName() != "profhub_widget_messages_shown_total" {
			continue
		}
		for _, m := range fam.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "read" && l.GetValue() == from {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// A reply or the visitor's own message stored on this node reaches the
// socket as stored, without a read of SQL; after a gap (a note the visitor
// never sees) the socket reads SQL and still shows every message once.
func TestSocketShowsMessagesStoredHereWithoutReadingThem(t *testing.T) {
	f := newFixture(t)
	s := f.mustDial(t, f.session(t), "")
	ack, _ := s.exchange("c-1", "Здравствуйте")
	conv := ack.ConversationID
	before := f.shown(t, "memory")

	// Each of these may, rarely, lose a race to the event log's follower
	// and be read from SQL; two of three never do both.
	f.reply(t, conv, "Добрый день!")
	if got := s.msgs(1); len(got) != 1 || got[0].Text != "Добрый день!" || got[0].Author != f.op.FullName {
		t.Fatalf("reply: %+v", got)
	}
	if ack, echo := s.exchange("c-2", "Вопрос об отпуске"); echo.Seq != ack.Seq || echo.ClientID != "c-2" || echo.Text != "Вопрос об отпуске" {
		t.Fatalf("own copy: %+v for %+v", echo, ack)
	}
	f.reply(t, conv, "Слушаю")
	if got := s.msgs(1); len(got) != 1 || got[0].Text != "Слушаю" {
		t.Fatalf("reply: %+v", got)
	}
	if n := f.shown(t, "memory") - before; n < 2 {
		t.Fatalf("%v of 3 messages shown from memory, want at least 2", n)
	}

	if _, err := f.n.Inbox.Dispatch.Note(context.Background(), f.opScope, conv, inbox.ReplyInput{Text: "внутренняя заметка"}); err != nil {
		t.Fatal(err)
	}
	f.reply(t, conv, "После заметки")
	if got := s.msgs(1); len(got) != 1 || got[0].Text != "После заметки" {
		t.Fatalf("after the note: %+v", got)
	}
	s.quiet(500 * time.Millisecond)
}
