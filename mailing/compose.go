package mailing

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"time"
)

// letter is what a campaign's e-mails share, prepared once per run.
type letter struct {
	campaignID string
	fromAddr   string
	domain     string
	from       string // the From header's value
	// attachments, already base64-encoded with their part headers.
	attachments []byte
}

func newLetter(campaignID, fromName, fromAddr string, atts []Attachment) *letter {
	_, domain, _ := strings.Cut(fromAddr, "@")
	if domain == "" {
		domain = "profhub.invalid"
	}
	l := &letter{campaignID: campaignID, fromAddr: fromAddr, domain: domain, from: "<" + fromAddr + ">"}
	if name := cleanHeader(fromName); name != "" {
		l.from = mime.QEncoding.Encode("utf-8", name) + " " + l.from
	}
	var b bytes.Buffer
	for _, a := range atts {
		ct := a.ContentType
		if ct == "" || strings.ContainsAny(ct, "\r\n") {
			ct = "application/octet-stream"
		}
		fmt.Fprintf(&b, "--%s\r\nContent-Type: %s\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; %s\r\n\r\n",
			mixedBoundary, ct, mime.FormatMediaType("attachment", map[string]string{"filename": a.Name})[len("attachment; "):])
		enc := base64.StdEncoding.EncodeToString(a.Data)
		for len(enc) > 76 {
			b.WriteString(enc[:76])
			b.WriteString("\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc)
		b.WriteString("\r\n")
	}
	l.attachments = b.Bytes()
	return l
}

// Boundaries that quoted-printable and base64 output can never contain:
// both encode "=" and neither writes "=_".
const (
	altBoundary   = "=_profhub_alt"
	mixedBoundary = "=_profhub_mixed"
)

// compose writes one recipient's e-mail: From, To, a Q-encoded subject,
// the stable Message-ID, RFC 8058 List-Unsubscribe headers and the text
// and HTML alternatives in quoted-printable, then the attachments.
func (l *letter) compose(b *bytes.Buffer, seq int64, to string, r Rendered, unsubscribeURL string, now time.Time) {
	l.write(b, seq, to, r.Subject, unsubscribeURL, now, r.HTML != "", func(html bool) {
		body := r.Text
		if html {
			body = r.HTML
		}
		b.Write(appendQP(b.AvailableBuffer(), []byte(body)))
	})
}

// composeFilled writes the same e-mail from a filled letter.
func (l *letter) composeFilled(b *bytes.Buffer, seq int64, to string, f *filledLetter, unsubscribeURL string, now time.Time) {
	l.write(b, seq, to, f.subject, unsubscribeURL, now, f.hasHTML, func(html bool) {
		part := &f.text
		if html {
			part = &f.html
		}
		b.Write(part.appendQP(b.AvailableBuffer()))
	})
}

// write writes the e-mail around its parts; body(html) writes the HTML or
// the text part's content, encoded.
func (l *letter) write(b *bytes.Buffer, seq int64, to, subject, unsubscribeURL string, now time.Time, hasHTML bool, body func(html bool)) {
	b.WriteString("From: ")
	b.WriteString(l.from)
	b.WriteString("\r\nTo: <")
	b.WriteString(to)
	b.WriteString(">\r\nSubject: ")
	b.WriteString(mime.QEncoding.Encode("utf-8", subject))
	b.WriteString("\r\nDate: ")
	b.Write(now.AppendFormat(b.AvailableBuffer(), time.RFC1123Z))
	// The Message-ID is made from the ledger row, so a resend after a
	// crash carries the same one and the copy is identifiable.
	b.WriteString("\r\nMessage-ID: <m.")
	b.Write(strconv.AppendInt(b.AvailableBuffer(), seq, 10))
	b.WriteString(".")
	b.WriteString(l.campaignID)
	b.WriteString("@")
	b.WriteString(l.domain)
	b.WriteString(">\r\nMIME-Version: 1.0\r\nList-Unsubscribe: <")
	b.WriteString(unsubscribeURL)
	b.WriteString(">\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nList-Id: <")
	b.WriteString(l.campaignID)
	b.WriteString(".campaigns.")
	b.WriteString(l.domain)
	b.WriteString(">\r\nPrecedence: bulk\r\nAuto-Submitted: auto-generated\r\n")
	if len(l.attachments) > 0 {
		b.WriteString("Content-Type: multipart/mixed; boundary=\"" + mixedBoundary + "\"\r\n")
		b.WriteString("\r\n--" + mixedBoundary + "\r\n")
	}
	if !hasHTML {
		b.WriteString(textPartHeader)
		body(false)
	} else {
		b.WriteString("Content-Type: multipart/alternative; boundary=\"" + altBoundary + "\"\r\n")
		b.WriteString("\r\n--" + altBoundary + "\r\n")
		b.WriteString(textPartHeader)
		body(false)
		b.WriteString("\r\n--" + altBoundary + "\r\n")
		b.WriteString(htmlPartHeader)
		body(true)
		b.WriteString("\r\n--" + altBoundary + "--\r\n")
	}
	if len(l.attachments) > 0 {
		b.WriteString("\r\n")
		b.Write(l.attachments)
		b.WriteString("--" + mixedBoundary + "--\r\n")
	}
}

const (
	textPartHeader = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
	htmlPartHeader = "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
)
