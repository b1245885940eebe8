package mailing

import (
	"bytes"
	"testing"
	"time"

	"github.com/profhub/profhub/mailing/mailingtest"
)

func benchLetterSetup(b *testing.B) (*templates, *letter, Vars) {
	t, err := parseTemplates(Content{Subject: mailingtest.NewsletterSubject, HTML: mailingtest.Newsletter()}, "https://hub.example.org")
	if err != nil {
		b.Fatal(err)
	}
	l := newLetter("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "Федерация профсоюзов", "news@union.example.org", nil)
	v := Vars{Name: "Кузнецова Мария Ивановна 123", Surname: "Кузнецова", GivenName: "Мария", Patronymic: "Ивановна",
		Organisation: "ППО завода «Прогресс»", CardNumber: "0000123"}
	return t, l, v
}

// BenchmarkLetterExecuted is one e-mail of the benchmark's newsletter
// the old way: the templates executed, the whole parts encoded.
func BenchmarkLetterExecuted(b *testing.B) {
	t, l, v := benchLetterSetup(b)
	tok := newTokens(TokenKeyFrom("bench"), func() string { return "https://hub.example.org" })
	buf := new(bytes.Buffer)
	b.ReportAllocs()
	for i := range b.N {
		v.UnsubscribeURL = tok.unsubscribeURL(l.campaignID, int64(i))
		r, err := t.render(v)
		if err != nil {
			b.Fatal(err)
		}
		buf.Reset()
		l.compose(buf, int64(i), "r123@members.example.net", r, v.UnsubscribeURL, time.Now())
	}
	b.SetBytes(int64(buf.Len()))
}

// BenchmarkLetterFilled is the same e-mail filled.
func BenchmarkLetterFilled(b *testing.B) {
	t, l, v := benchLetterSetup(b)
	lf := newLetterFill(t)
	tok := newTokens(TokenKeyFrom("bench"), func() string { return "https://hub.example.org" })
	buf := new(bytes.Buffer)
	var fl filledLetter
	b.ReportAllocs()
	for i := range b.N {
		v.UnsubscribeURL = tok.unsubscribeURL(l.campaignID, int64(i))
		if err := lf.fill(&fl, &v); err != nil {
			b.Fatal(err)
		}
		buf.Reset()
		l.composeFilled(buf, int64(i), "r123@members.example.net", &fl, v.UnsubscribeURL, time.Now())
	}
	b.SetBytes(int64(buf.Len()))
}
