package widget

import (
	"context"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/profhub/profhub/inbox"
)

// The transcript letter: the chat's title, the date, then every message
// the visitor saw (theirs, the operators', the automatic and proactive
// ones) with its time and author; notes and the history's entries stay
// inside the union. The HTML version escapes every text it shows.

// maxTranscriptMessages keeps a letter readable and its size bounded.
const maxTranscriptMessages = 2000

type transcriptLine struct {
	at    time.Time
	who   string
	text  string
	files []string
	in    bool
}

type transcriptWords struct{ subject, intro, you, file, more string }

var transcriptLang = map[string]transcriptWords{
	"ru": {subject: "%s: переписка от %s", intro: "Переписка в чате «%s» от %s.", you: "Вы", file: "файл", more: "Показаны первые %d сообщений."},
	"en": {subject: "%s: conversation of %s", intro: "Your conversation in the chat «%s» of %s.", you: "You", file: "file", more: "The first %d messages are shown."},
}

// compose reads the conversation and writes the letter.
func (t *Transcripts) compose(ctx context.Context, a transcriptAsk) (subject, text, htmlText string, err error) {
	var lines []transcriptLine
	var after int64
	for len(lines) < maxTranscriptMessages {
		msgs, err := t.inbox.Conversations.MessagesAfter(ctx, a.convID, after, 500)
		if err != nil {
			return "", "", "", err
		}
		for _, m := range msgs {
			after = m.Seq
			if l, ok := t.line(ctx, a, m); ok && len(lines) < maxTranscriptMessages {
				lines = append(lines, l)
			}
		}
		if len(msgs) < 500 {
			break
		}
	}
	title := setting(a.ch, settingTitle, a.ch.Name)
	w := transcriptLang[setting(a.ch, settingLang, "ru")]
	if w.subject == "" {
		w = transcriptLang["ru"]
	}
	zone := t.zone
	if zone == nil {
		zone = time.Local
	}
	day := time.Now().In(zone)
	if len(lines) > 0 {
		day = lines[0].at.In(zone)
	}
	date := day.Format("02.01.2006")
	subject = fmt.Sprintf(w.subject, title, date)
	intro := fmt.Sprintf(w.intro, title, date)
	var tb, hb strings.Builder
	tb.WriteString(intro + "\n\n")
	hb.WriteString(`<!doctype html><html><head><meta charset="utf-8"><title>` + html.EscapeString(subject) + `</title></head>` +
		`<body style="font-family:Arial,sans-serif;font-size:14px;color:#222"><p>` + html.EscapeString(intro) + `</p>` +
		`<table cellpadding="6" cellspacing="0" style="border-collapse:collapse">`)
	for _, l := range lines {
		at := l.at.In(zone).Format("15:04")
		if l.at.In(zone).Format("02.01.2006") != date {
			at = l.at.In(zone).Format("02.01.2006 15:04")
		}
		who := l.who
		if l.in {
			who = w.you
		}
		body := l.text
		for _, f := range l.files {
			body = strings.TrimSpace(body + "\n[" + w.file + ": " + f + "]")
		}
		fmt.Fprintf(&tb, "[%s] %s:\n%s\n\n", at, who, body)
		bg := "#ffffff"
		if l.in {
			bg = "#eef3fd"
		}
		fmt.Fprintf(&hb, `<tr style="background:%s"><td style="color:#666;white-space:nowrap;vertical-align:top">%s</td>`+
			`<td style="vertical-align:top"><b>%s</b><br>%s</td></tr>`, bg, html.EscapeString(at), html.EscapeString(who),
			strings.ReplaceAll(html.EscapeString(body), "\n", "<br>"))
	}
	hb.WriteString(`</table>`)
	if len(lines) >= maxTranscriptMessages {
		more := fmt.Sprintf(w.more, maxTranscriptMessages)
		tb.WriteString(more + "\n")
		hb.WriteString(`<p>` + html.EscapeString(more) + `</p>`)
	}
	tb.WriteString("-- \n" + title + "\n")
	hb.WriteString(`<p style="color:#666">— ` + html.EscapeString(title) + `</p></body></html>`)
	return subject, tb.String(), hb.String(), nil
}

// line is a stored message as the letter shows it, if the visitor saw it.
func (t *Transcripts) line(ctx context.Context, a transcriptAsk, m inbox.Message) (transcriptLine, bool) {
	l := transcriptLine{at: m.CreatedAt, text: m.Text}
	for _, f := range m.Attachments {
		l.files = append(l.files, f.Name)
	}
	switch m.Direction {
	case inbox.DirIn:
		l.in = true
	case inbox.DirOut:
		if m.Status == inbox.DeliveryFailed {
			return l, false
		}
		switch {
		case m.AuthorID != "":
			l.who = t.operators.name(ctx, m.AuthorID)
		case strings.HasPrefix(m.ExternalID, "preface:"):
			l.who, _ = t.triggers.senderOf(ctx, a.ch, m.ExternalID)
		}
		if l.who == "" {
			l.who = setting(a.ch, settingTitle, a.ch.Name)
		}
	default:
		return l, false
	}
	return l, true
}
