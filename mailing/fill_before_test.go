package mailing

import (
	"bytes"
	"fmt"
	"mime"
	"time"
)

// The letter as it was made before the filled path, kept verbatim for
// the tests to hold the new code to: appendQP before appendQPAt, and
// compose before its headers were written without allocating.

func composeBefore(b *bytes.Buffer, l *letter, fromName string, seq int64, to string, r Rendered, unsubscribeURL string, now time.Time) {
	fromName = cleanHeader(fromName)
	h := func(k, v string) {
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(v)
		b.WriteString("\r\n")
	}
	from := "<" + l.fromAddr + ">"
	if fromName != "" {
		from = mime.QEncoding.Encode("utf-8", fromName) + " " + from
	}
	h("From", from)
	h("To", "<"+to+">")
	h("Subject", mime.QEncoding.Encode("utf-8", r.Subject))
	h("Date", now.Format(time.RFC1123Z))
	h("Message-ID", "<"+fmt.Sprintf("m.%d.%s@%s", seq, l.campaignID, l.domain)+">")
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
	part := func(ct, body string) {
		b.WriteString("Content-Type: " + ct + "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
		b.Write(appendQPBefore(b.AvailableBuffer(), []byte(body)))
	}
	if r.HTML == "" {
		part("text/plain", r.Text)
	} else {
		h("Content-Type", `multipart/alternative; boundary="`+altBoundary+`"`)
		b.WriteString("\r\n--" + altBoundary + "\r\n")
		part("text/plain", r.Text)
		b.WriteString("\r\n--" + altBoundary + "\r\n")
		part("text/html", r.HTML)
		b.WriteString("\r\n--" + altBoundary + "--\r\n")
	}
	if len(l.attachments) > 0 {
		b.WriteString("\r\n")
		b.Write(l.attachments)
		b.WriteString("--" + mixedBoundary + "--\r\n")
	}
}

func appendQPBefore(dst, src []byte) []byte {
	const hex = "0123456789ABCDEF"
	line := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		if qpFast[c] {
			// A run of bytes that stand for themselves, up to the line's end.
			j := i + 1
			for j < len(src) && j-i < 75-line && qpFast[src[j]] {
				j++
			}
			if line+(j-i) > 75 {
				dst = append(dst, '=', '\r', '\n')
				line = 0
			}
			dst = append(dst, src[i:j]...)
			line += j - i
			i = j - 1
			continue
		}
		if c == '\n' {
			dst = append(dst, '\r', '\n')
			line = 0
			continue
		}
		if c == '\r' && i+1 < len(src) && src[i+1] == '\n' {
			continue
		}
		plain := qpPlain[c]
		if (c == ' ' || c == '\t') && (i+1 == len(src) || src[i+1] == '\n' || src[i+1] == '\r') {
			plain = false // trailing white space would be lost in transit
		}
		n := 1
		if !plain {
			n = 3
		}
		if line+n > 75 {
			dst = append(dst, '=', '\r', '\n')
			line = 0
		}
		if plain {
			dst = append(dst, c)
		} else {
			dst = append(dst, '=', hex[c>>4], hex[c&15])
		}
		line += n
	}
	return dst
}
