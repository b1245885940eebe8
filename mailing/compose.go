package mailing

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"strings"
	"time"
)

// letter is what a campaign's e-mails share, prepared once per run.
type letter struct {
	campaignID string
	fromName   string
	fromAddr   string
	domain     string
	// attachments, already base64-encoded with their part headers.
	attachments []byte
}

// messageID is the recipient's Message-ID: made from the ledger row, so a
// resend after a crash carries the same one and the copy is identifiable.
func messageID(campaignID string, seq int64, domain string) string {
	return fmt.Sprintf("m.%d.%s@%s", seq, campaignID, domain)
}

func newLetter(campaignID, fromName, fromAddr string, atts []Attachment) *letter {
	_, domain, _ := strings.Cut(fromAddr, "@")
	if domain == "" {
		domain = "profhub.invalid"
	}
	l := &letter{campaignID: campaignID, fromName: cleanHeader(fromName), fromAddr: fromAddr, domain: domain}
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
	h := func(k, v string) {
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(v)
		b.WriteString("\r\n")
	}
	from := "<" + l.fromAddr + ">"
	if l.fromName != "" {
		from = mime.QEncoding.Encode("utf-8", l.fromName) + " " + from
	}
	h("From", from)
	h("To", "<"+to+">")
	h("Subject", mime.QEncoding.Encode("utf-8", r.Subject))
	h("Date", now.Format(time.RFC1123Z))
	h("Message-ID", "<"+messageID(l.campaignID, seq, l.domain)+">")
	h("MIME-Version", "1.0")
	h("List-Unsubscribe", "<"+unsubscribeURL+">")
	h("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	h("List-Id", "<"+l.campaignID+".campaigns."+l.domain+">")
	h("Precedence", "bulk")
	h("Auto-Submitted", "auto-generated")
	if len(l.attachments) > 0 {
		h("Content-Type", `multipart/mixed; boundary="`+mixedBoundary+`"`)
		b.WriteString("\r\n--" + mixedBoundary + "\r\n")
	}
	if r.HTML == "" {
		l.part(b, "text/plain", r.Text)
	} else {
		h("Content-Type", `multipart/alternative; boundary="`+altBoundary+`"`)
		b.WriteString("\r\n--" + altBoundary + "\r\n")
		l.part(b, "text/plain", r.Text)
		b.WriteString("\r\n--" + altBoundary + "\r\n")
		l.part(b, "text/html", r.HTML)
		b.WriteString("\r\n--" + altBoundary + "--\r\n")
	}
	if len(l.attachments) > 0 {
		b.WriteString("\r\n")
		b.Write(l.attachments)
		b.WriteString("--" + mixedBoundary + "--\r\n")
	}
}

func (l *letter) part(b *bytes.Buffer, ct, body string) {
	b.WriteString("Content-Type: " + ct + "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	b.Write(appendQP(b.AvailableBuffer(), []byte(body)))
}
