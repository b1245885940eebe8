package mail

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"
	"github.com/google/uuid"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// LetterFile is a file attached to a letter of SendLetterWithFiles.
type LetterFile struct {
	Name        string
	ContentType string // "" for application/octet-stream
	Data        []byte
}

// MaxLetterFiles caps the files of one letter: mail servers commonly
// refuse letters over 25 MB, and base64 adds a third.
const MaxLetterFiles = 18 << 20

// SendLetter sends a plain letter from a mail channel's mailbox through its
// SMTP account, for another channel that answers someone by e-mail (the
// site widget answers its offline form this way). A channel that is not an
// enabled mail channel, or an SMTP 5xx, is a permanent inbox.SendError;
// anything else may succeed on a retry.
func (c *Connector) SendLetter(ctx context.Context, channelID, to, subject, text string) error {
	_, err := c.SendLetterWithFiles(ctx, channelID, to, subject, text, nil)
	return err
}

// SendLetterWithFiles is SendLetter with attachments (the document
// workflow sends signed outgoing documents this way); it returns the
// letter's Message-ID for the sender's records.
func (c *Connector) SendLetterWithFiles(ctx context.Context, channelID, to, subject, text string, files []LetterFile) (string, error) {
	return c.sendLetter(ctx, channelID, "letter."+uuid.NewString(), to, subject, text, "", files)
}

// SendLetterAs is SendLetter under the Message-ID key@<the mailbox's
// domain>: a caller that sends again after a failure keeps the id, and
// one that records key before sending can tell a reply to the letter by
// its In-Reply-To (the widget's answers to away visitors, see
// ReplyTaker). key must be a valid Message-ID left-hand side.
func (c *Connector) SendLetterAs(ctx context.Context, channelID, key, to, subject, text string) error {
	_, err := c.sendLetter(ctx, channelID, key, to, subject, text, "", nil)
	return err
}

// SendHTMLLetterAs is SendLetterAs with an HTML version of the text
// (multipart/alternative): the widget's transcripts of conversations.
// html must be escaped by the caller.
func (c *Connector) SendHTMLLetterAs(ctx context.Context, channelID, key, to, subject, text, html string) error {
	_, err := c.sendLetter(ctx, channelID, key, to, subject, text, html, nil)
	return err
}

func (c *Connector) sendLetter(ctx context.Context, channelID, key, to, subject, text, html string, files []LetterFile) (string, error) {
	ch, err := c.inbox.Channels.Get(ctx, channelID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && (ch.Kind != inbox.KindMail || ch.Disabled)) {
		return "", &inbox.SendError{Permanent: true, Reason: "the mailbox for answers by e-mail is not an enabled mail channel"}
	}
	if err != nil {
		return "", err
	}
	if !strings.Contains(to, "@") {
		return "", &inbox.SendError{Permanent: true, Reason: "not an e-mail address: " + to}
	}
	total := 0
	for _, f := range files {
		total += len(f.Data)
	}
	if total > MaxLetterFiles {
		return "", &inbox.SendError{Permanent: true, Reason: fmt.Sprintf("the files make %d MB, more than the %d MB a letter may carry", total>>20, MaxLetterFiles>>20)}
	}
	from := ch.Settings[settingFrom]
	_, domain, _ := strings.Cut(from, "@")
	messageID := key + "@" + firstNonEmpty(domain, "profhub.invalid")
	var h gomail.Header
	h.SetDate(time.Now())
	h.SetAddressList("From", []*gomail.Address{{Name: ch.Settings[settingFromName], Address: from}})
	h.SetAddressList("To", []*gomail.Address{{Address: to}})
	h.SetMessageID(messageID)
	h.SetSubject(subject)
	var buf bytes.Buffer
	write := func() error { return writeLetter(&buf, h, text, files) }
	if html != "" {
		write = func() error { return writeAlternative(&buf, h, text, html) }
	}
	if err := write(); err != nil {
		return "", err
	}
	if err := c.smtpSend(ctx, ch, from, to, buf.Bytes()); err != nil {
		return "", classify(err, ch)
	}
	return messageID, nil
}

// writeLetter writes a text/plain letter, or multipart/mixed with the
// files as base64 attachments whose names are cleaned like inbound ones.
func writeLetter(w io.Writer, h gomail.Header, text string, files []LetterFile) error {
	if len(files) == 0 {
		h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		tw, err := gomail.CreateSingleInlineWriter(w, h)
		if err != nil {
			return err
		}
		_, _ = io.WriteString(tw, text)
		return tw.Close()
	}
	mw, err := gomail.CreateWriter(w, h)
	if err != nil {
		return err
	}
	var th gomail.InlineHeader
	th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	th.Set("Content-Transfer-Encoding", "quoted-printable")
	tw, err := mw.CreateSingleInline(th)
	if err != nil {
		return err
	}
	_, _ = io.WriteString(tw, text)
	if err := tw.Close(); err != nil {
		return err
	}
	for _, f := range files {
		var ah gomail.AttachmentHeader
		setFileType(&ah, f.ContentType)
		ah.SetFilename(blob.CleanName(f.Name))
		ah.Set("Content-Transfer-Encoding", "base64")
		aw, err := mw.CreateAttachment(ah)
		if err != nil {
			return err
		}
		if _, err := aw.Write(f.Data); err != nil {
			return err
		}
		if err := aw.Close(); err != nil {
			return err
		}
	}
	return mw.Close()
}

// writeAlternative writes a letter with a text and an HTML version.
func writeAlternative(w io.Writer, h gomail.Header, text, html string) error {
	mw, err := gomail.CreateInlineWriter(w, h)
	if err != nil {
		return err
	}
	for _, p := range []struct{ ctype, body string }{{"text/plain", text}, {"text/html", html}} {
		var ph gomail.InlineHeader
		ph.SetContentType(p.ctype, map[string]string{"charset": "utf-8"})
		ph.Set("Content-Transfer-Encoding", "quoted-printable")
		pw, err := mw.CreatePart(ph)
		if err != nil {
			return err
		}
		_, _ = io.WriteString(pw, p.body)
		if err := pw.Close(); err != nil {
			return err
		}
	}
	return mw.Close()
}

// setFileType sets a file part's Content-Type. A type with parameters
// ("text/calendar; method=REQUEST") is split first: given whole,
// go-message writes an empty Content-Type, and a mail program shows an
// invitation as a nameless file instead of offering to answer it.
func setFileType(h *gomail.AttachmentHeader, ctype string) {
	t, params, err := mime.ParseMediaType(cmp.Or(ctype, "application/octet-stream"))
	if err != nil {
		t, params = "application/octet-stream", nil
	}
	h.SetContentType(t, params)
}
