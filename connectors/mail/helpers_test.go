package mail

import (
	"errors"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/profhub/profhub/inbox"
)

func TestCleanSubject(t *testing.T) {
	for in, want := range map[string]string{
		"Re: RE: Fwd: вопрос":          "вопрос",
		"RE: [#0123456789] Re: вопрос": "вопрос",
		"Отв: Re[2]: вопрос":           "вопрос",
		"Re: вопрос [#abcdef0123]":     "вопрос",
		"Report: quarterly":            "Report: quarterly",
		"":                             "",
	} {
		if got := cleanSubject(in); got != want {
			t.Errorf("cleanSubject(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMessageIDIsStableAndCarriesTheConversation(t *testing.T) {
	m := inbox.OutboundMessage{ID: "01a21c64-dee1-7068-a1a4-7397823a602a", ConversationID: "01a21c64-de9f-799f-926e-a75a2844e438"}
	id := messageID(m, "hotline@union.example")
	if id != "out.01a21c64-dee1-7068-a1a4-7397823a602a.01a21c64-de9f-799f-926e-a75a2844e438@union.example" || id != messageID(m, "hotline@union.example") {
		t.Fatalf("message id %q", id)
	}
	if tok := conversationToken(m.ConversationID); tok != "a75a2844e438"[2:] || !subjectToken.MatchString("[#"+tok+"]") {
		t.Errorf("token %q", tok)
	}
}

func TestClassifySMTPAnswers(t *testing.T) {
	ch := inbox.Channel{Secrets: map[string]string{"password": "s3cret"}}
	var se *inbox.SendError
	if err := classify(&smtp.SMTPError{Code: 550, Message: "no such user"}, ch); !errors.As(err, &se) || !se.Permanent {
		t.Errorf("550: %v", err)
	}
	if err := classify(&smtp.SMTPError{Code: 451, Message: "try later"}, ch); !errors.As(err, &se) || se.Permanent || se.RetryAfter == 0 {
		t.Errorf("451: %v", err)
	}
	if err := classify(errors.New("dial: password s3cret refused"), ch); errors.As(err, &se) || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("network error: %v", err)
	}
}

func TestLetterTextIsCutToTheInboxLimit(t *testing.T) {
	l := &letter{subject: "s", text: strings.Repeat("я", inbox.MaxTextBytes)}
	got := letterText(l, 3)
	if len(got) > inbox.MaxTextBytes || !strings.HasSuffix(got, "(.eml)]") || !strings.Contains(got, "[3 more files") {
		t.Errorf("cut text: %d bytes, ends %q", len(got), got[len(got)-40:])
	}
	if externalID(strings.Repeat("x", 300), []byte("raw")) == externalID(strings.Repeat("x", 300), []byte("raw2")) {
		t.Error("long Message-IDs must fall back to the raw hash")
	}
}
