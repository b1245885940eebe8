package widget_test

import (
	"testing"
	"time"

	"github.com/profhub/profhub/web/browsertest"
)

// TestConsoleTranscriptInChromium: an operator sends a site-chat
// conversation's transcript from the console; the confirmation names the
// visitor's own address and the letter reaches it through the mail
// channel's SMTP account (web/browsertest/console-transcript.test.mjs).
func TestConsoleTranscriptInChromium(t *testing.T) {
	browsertest.Require(t)
	f := newFixture(t)
	_, sink, _ := f.withMailbox(t)
	token := f.session(t)
	s := f.mustDial(t, token, "")
	ack, _ := s.exchange("t1", "Пришлите, пожалуйста, нашу переписку на почту")
	f.reply(t, ack.ConversationID, "Конечно, отправляю.")
	browsertest.Run(t, browsertest.Script{Name: "console-transcript.test.mjs", Base: f.base, Timeout: 2 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=password-1", "PROFHUB_CONV=" + ack.ConversationID}})
	select {
	case l := <-sink.got:
		if l.to != "anna@example.org" {
			t.Fatalf("the transcript went to %s", l.to)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("no transcript letter from the console")
	}
}
