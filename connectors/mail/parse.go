package mail

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // KOI8-R, Windows-1251 and the rest
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"github.com/profhub/profhub/internal/storage/blob"
)

// wordDecoder decodes RFC 2047 words in any charset go-message knows.
var wordDecoder = &mime.WordDecoder{CharsetReader: message.CharsetReader}

// limits bound the work one letter may cause. A letter over any of them is
// kept raw and quarantined, never parsed further and never dropped.
type limits struct {
	rawBytes int64 // the whole letter
	parts    int   // MIME parts of any kind
	depth    int   // nesting of multiparts
}

var defaultLimits = limits{rawBytes: 25 << 20, parts: 200, depth: 16}

// letter is what the connector takes from one raw message.
type letter struct {
	messageID  string // without angle brackets
	inReplyTo  []string
	references []string
	subject    string
	fromName   string
	fromAddr   string // lower case
	date       time.Time

	text  string // the plain text, or text made from the HTML
	html  string // sanitised HTML, empty when the letter has none
	parts []part // attachments and inline images

	auth authResults

	auto       string // why the letter is an automatic reply, "" if it is not
	listID     string // List-Id: the letter came through a mailing list
	nullSender bool   // Return-Path: <> (RFC 3834: never answer it)
	bounce     bool   // a delivery status notification or mailer-daemon letter
	bounceOf   []string
	bounceWhy  string
	quarantine string // why the letter was not parsed, "" if it was
}

// part is a file a letter carries.
type part struct {
	name, ctype, contentID string
	inline                 bool
	data                   []byte
}

// authResults is the receiving server's verdict on the sender.
type authResults struct {
	server, spf, dkim, dmarc string
}

// authenticated says whether the sender's domain vouched for the letter
// (DMARC pass, or DKIM pass without a DMARC verdict).
func (a authResults) authenticated() bool {
	return a.dmarc == "pass" || (a.dmarc == "" && a.dkim == "pass")
}

func (a authResults) String() string {
	if a.server == "" {
		return "no Authentication-Results"
	}
	v := func(s string) string {
		if s == "" {
			return "none"
		}
		return s
	}
	return fmt.Sprintf("SPF %s, DKIM %s, DMARC %s (checked by %s)", v(a.spf), v(a.dkim), v(a.dmarc), a.server)
}

// parseLetter reads a raw letter. It never fails: whatever cannot be read
// safely (over the limits, broken MIME) sets quarantine and keeps what the
// header said, so the letter still arrives and the raw copy stays
// downloadable. authServID, when set, is the only server whose
// Authentication-Results are believed.
func parseLetter(raw []byte, lim limits, authServID string) *letter {
	l := &letter{}
	br := bufio.NewReader(bytes.NewReader(raw))
	h, err := textproto.ReadHeader(br)
	if err != nil {
		l.quarantine = "the letter's header cannot be read: " + err.Error()
		return l
	}
	l.readHeader(gomail.Header{Header: message.Header{Header: h}}, authServID)
	if int64(len(raw)) > lim.rawBytes {
		l.quarantine = fmt.Sprintf("the letter is %.1f MB, over the limit of %.0f MB", float64(len(raw))/(1<<20), float64(lim.rawBytes)/(1<<20))
		return l
	}
	e, err := message.New(message.Header{Header: h}, br)
	if err != nil && e == nil {
		l.quarantine = "the letter cannot be read: " + err.Error()
		return l
	}
	w := walker{l: l, lim: lim}
	if err := w.walk(e, 0, false); err != nil {
		*l = letter{messageID: l.messageID, inReplyTo: l.inReplyTo, references: l.references, subject: l.subject,
			fromName: l.fromName, fromAddr: l.fromAddr, date: l.date, auth: l.auth, auto: l.auto, bounce: l.bounce,
			listID: l.listID, nullSender: l.nullSender}
		l.quarantine = err.Error()
		return l
	}
	if l.text == "" && l.html != "" {
		l.text = htmlToText(l.html)
	}
	l.text = strings.TrimSpace(strings.ToValidUTF8(strings.ReplaceAll(l.text, "\r\n", "\n"), "\uFFFD"))
	return l
}

var msgIDList = regexp.MustCompile(`<([^<>\s]+)>`)

func (l *letter) readHeader(h gomail.Header, authServID string) {
	if id, err := h.MessageID(); err == nil {
		l.messageID = id
	}
	if l.messageID == "" {
		// Outlook and others sometimes send ids without brackets.
		l.messageID = strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>")
	}
	ids := func(key string) []string {
		var out []string
		for _, m := range msgIDList.FindAllStringSubmatch(h.Get(key), 100) {
			out = append(out, m[1])
		}
		return out
	}
	l.inReplyTo, l.references = ids("In-Reply-To"), ids("References")
	if s, err := h.Subject(); err == nil {
		l.subject = s
	} else {
		l.subject = h.Get("Subject")
	}
	l.subject = oneLine(l.subject)
	if from, err := h.AddressList("From"); err == nil && len(from) > 0 {
		l.fromName, l.fromAddr = oneLine(from[0].Name), strings.ToLower(from[0].Address)
	}
	if d, err := h.Date(); err == nil {
		l.date = d
	}
	l.auth = parseAuthResults(h.Values("Authentication-Results"), authServID)
	l.auto = autoReason(h)
	l.listID = oneLine(strings.TrimSpace(h.Get("List-Id")))
	l.nullSender = h.Has("Return-Path") && strings.Trim(strings.TrimSpace(h.Get("Return-Path")), "<>") == ""
	local, _, _ := strings.Cut(l.fromAddr, "@")
	ctype, params, _ := h.ContentType()
	if local == "mailer-daemon" || local == "postmaster" ||
		(ctype == "multipart/report" && strings.EqualFold(params["report-type"], "delivery-status")) {
		l.bounce = true
	}
}

// oneLine makes header text safe to show on one line.
func oneLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }), " ")
}

// autoReason says why a letter is machine-made (RFC 3834 and the
// de-facto headers), or "".
func autoReason(h gomail.Header) string {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return "Auto-Submitted: " + v
	}
	switch v := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); v {
	case "bulk", "junk", "list", "auto_reply":
		return "Precedence: " + v
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Auto-Reply"} {
		if h.Has(k) {
			return k
		}
	}
	return ""
}

var authMethod = regexp.MustCompile(`(?i)\b(spf|dkim|dmarc)\s*=\s*([a-z]+)`)

// parseAuthResults reads RFC 8601 Authentication-Results. The topmost
// header was added last, by our own server; with authServID set only its
// headers count, since a sender can write any header into a letter.
func parseAuthResults(values []string, authServID string) authResults {
	for _, v := range values {
		id, rest, _ := strings.Cut(v, ";")
		id = strings.TrimSpace(id)
		if f := strings.Fields(id); len(f) > 0 {
			id = f[0]
		}
		if authServID != "" && !strings.EqualFold(id, authServID) {
			continue
		}
		a := authResults{server: oneLine(id)}
		for _, m := range authMethod.FindAllStringSubmatch(rest, -1) {
			res := strings.ToLower(m[2])
			switch strings.ToLower(m[1]) {
			case "spf":
				a.spf = firstNonEmpty(a.spf, res)
			case "dkim":
				// Any passing signature counts.
				if a.dkim == "" || res == "pass" {
					a.dkim = res
				}
			case "dmarc":
				a.dmarc = firstNonEmpty(a.dmarc, res)
			}
		}
		return a
	}
	return authResults{}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// walker visits a letter's MIME tree, counting parts and depth.
type walker struct {
	l     *letter
	lim   limits
	count int
}

func (w *walker) walk(e *message.Entity, depth int, inReport bool) error {
	w.count++
	if w.count > w.lim.parts {
		return fmt.Errorf("the letter has more than %d MIME parts", w.lim.parts)
	}
	if depth > w.lim.depth {
		return fmt.Errorf("the letter's MIME parts are nested more than %d deep", w.lim.depth)
	}
	ctype, params, _ := e.Header.ContentType()
	if mr := e.MultipartReader(); mr != nil {
		report := inReport || ctype == "multipart/report"
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return nil
			}
			if err != nil && p == nil {
				return fmt.Errorf("the letter's MIME structure is broken: %v", err)
			}
			if err := w.walk(p, depth+1, report); err != nil {
				return err
			}
		}
	}
	return w.leaf(e, ctype, params, inReport)
}

func (w *walker) leaf(e *message.Entity, ctype string, params map[string]string, inReport bool) error {
	l := w.l
	disp, dparams, _ := e.Header.ContentDisposition()
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	if d, err := wordDecoder.DecodeHeader(name); err == nil {
		name = d
	}
	body, err := io.ReadAll(e.Body)
	if err != nil && len(body) == 0 {
		body = nil
	}
	attached := disp == "attachment" || name != ""
	switch {
	case ctype == "text/plain" && !attached && l.text == "":
		l.text = string(body)
		return nil
	case ctype == "text/html" && !attached && l.html == "":
		l.html = sanitizeHTML(string(body))
		return nil
	case inReport && ctype == "message/delivery-status":
		l.bounce = true
		l.bounceWhy = deliveryStatus(body)
		return nil
	case inReport && (ctype == "message/rfc822" || ctype == "text/rfc822-headers"):
		if h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(body))); err == nil {
			mh := gomail.Header{Header: message.Header{Header: h}}
			if id, err := mh.MessageID(); err == nil && id != "" {
				l.bounceOf = append(l.bounceOf, id)
			}
		}
	}
	if len(body) == 0 && name == "" {
		return nil
	}
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "_")
	}
	if name == "" {
		name = "attachment-" + fmt.Sprint(len(l.parts)+1)
		if exts, _ := mime.ExtensionsByType(ctype); len(exts) > 0 {
			name += exts[0]
		}
	}
	if ctype == "" {
		ctype = "text/plain"
	}
	l.parts = append(l.parts, part{name: blob.CleanName(name), ctype: ctype, contentID: strings.Trim(e.Header.Get("Content-Id"), "<> "),
		inline: disp == "inline", data: body})
	return nil
}

// deliveryStatus takes the status and diagnostic of a DSN's first failed
// recipient.
func deliveryStatus(body []byte) string {
	var status, diag, rcpt string
	for _, line := range strings.Split(string(body), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = oneLine(strings.TrimSpace(v))
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "status":
			status = firstNonEmpty(status, v)
		case "diagnostic-code":
			diag = firstNonEmpty(diag, v)
		case "final-recipient", "original-recipient":
			rcpt = firstNonEmpty(rcpt, v)
		}
	}
	return strings.TrimSpace(strings.Join(strings.Fields(fmt.Sprintf("%s %s %s", rcpt, status, diag)), " "))
}

func utf8ValidAll(s ...string) bool {
	for _, v := range s {
		if !utf8.ValidString(v) {
			return false
		}
	}
	return true
}
