package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/profhub/profhub/inbox"
)

// sender delivers replies through the mailbox's SMTP server.
type sender struct{ c *Connector }

// messageID is our Message-ID for an outbound message: stable across the
// engine's retries (it is built from the message's id) and carrying the
// conversation, so a reply that quotes it can be traced back.
func messageID(m inbox.OutboundMessage, from string) string {
	_, domain, _ := strings.Cut(from, "@")
	return fmt.Sprintf("out.%s.%s@%s", m.ID, m.ConversationID, firstNonEmpty(domain, "profhub.invalid"))
}

// conversationToken is the short conversation tag put in our subjects, a
// fallback for mail clients that drop In-Reply-To and References.
func conversationToken(convID string) string {
	t := strings.ReplaceAll(convID, "-", "")
	return t[max(0, len(t)-10):]
}

// Send delivers one reply as a letter: our Message-ID, In-Reply-To and
// References to the member's latest letter, "Re: " and the conversation
// tag in the subject, the text as text/plain and the files attached.
// SMTP 5xx answers fail the reply for good, everything else is retried.
func (s *sender) Send(ctx context.Context, ch inbox.Channel, m inbox.OutboundMessage) (inbox.SendResult, error) {
	c := s.c
	from := ch.Settings[settingFrom]
	id := messageID(m, from)
	if done, err := c.sentBefore(ctx, ch.ID, id); err != nil {
		return inbox.SendResult{}, err
	} else if done {
		return inbox.SendResult{ProviderID: id}, nil
	}
	to := m.ExternalChatID
	if !strings.Contains(to, "@") {
		return inbox.SendResult{}, &inbox.SendError{Permanent: true, Reason: "not an e-mail address: " + to}
	}
	if m.AuthorID == "" {
		// An automatic reply (the line's welcome or off-hours text) never
		// goes to one of our own addresses: that is a loop.
		own, err := c.ownAddresses(ctx)
		if err != nil {
			return inbox.SendResult{}, err
		}
		if own[strings.ToLower(to)] {
			return inbox.SendResult{}, &inbox.SendError{Permanent: true, Reason: "an automatic reply to the hub's own address " + to + " is not sent (mail loop)"}
		}
	}
	last, _, err := c.lastInbound(ctx, ch.ID, m.ConversationID)
	if err != nil {
		return inbox.SendResult{}, err
	}
	raw, err := c.compose(ctx, ch, m, id, last)
	if err != nil {
		return inbox.SendResult{}, err
	}
	if err := c.smtpSend(ctx, ch, from, to, raw); err != nil {
		return inbox.SendResult{}, classify(err, ch)
	}
	// The letter is gone: what follows keeps the record and must not
	// turn a sent letter into a failed (and then repeated) one.
	rctx := context.WithoutCancel(ctx)
	rawKey := ""
	if info, err := c.blobs.Put(rctx, bytes.NewReader(raw), int64(len(raw))+1); err != nil {
		c.log.Error("raw copy of a sent letter not kept", "channel", ch.ID, "message", m.ID, "err", err)
	} else {
		rawKey = info.Key
	}
	if err := c.recordLetter(rctx, ch.ID, storedLetter{messageID: id, direction: "out", conversationID: m.ConversationID,
		address: strings.ToLower(to), subject: last.subject, rawKey: rawKey, refs: replyReferences(last.refs, nil, last.messageID)}); err != nil {
		c.log.Error("sent letter not recorded", "channel", ch.ID, "message", m.ID, "err", err)
	}
	if folder := ch.Settings[settingSentFolder]; folder != "" {
		c.appendSent(rctx, ch, folder, raw)
	}
	return inbox.SendResult{ProviderID: id}, nil
}

func (c *Connector) compose(ctx context.Context, ch inbox.Channel, m inbox.OutboundMessage, id string, last storedLetter) ([]byte, error) {
	var h gomail.Header
	h.SetDate(time.Now())
	h.SetAddressList("From", []*gomail.Address{{Name: ch.Settings[settingFromName], Address: ch.Settings[settingFrom]}})
	h.SetAddressList("To", []*gomail.Address{{Address: m.ExternalChatID}})
	h.SetMessageID(id)
	subject := cleanSubject(last.subject)
	if subject == "" {
		subject = "Обращение"
	}
	subject = "Re: " + subject + " [#" + conversationToken(m.ConversationID) + "]"
	h.SetSubject(subject)
	if last.messageID != "" {
		h.SetMsgIDList("In-Reply-To", []string{last.messageID})
		h.SetMsgIDList("References", replyReferences(last.refs, nil, last.messageID))
	}
	if m.AuthorID == "" {
		// The line's welcome and off-hours replies: tell the member's
		// server not to auto-answer them (RFC 3834).
		h.Set("Auto-Submitted", "auto-replied")
	}
	text := c.signed(ctx, ch, m)
	if m.Rating != nil && len(m.Rating.Links) == 5 {
		// A rating request: one link per number, to the public page.
		var sb strings.Builder
		sb.WriteString(text + "\n")
		for i, l := range m.Rating.Links {
			fmt.Fprintf(&sb, "\n%d — %s", i+1, l)
		}
		text = sb.String() + "\n"
	}
	var buf bytes.Buffer
	if len(m.Attachments) == 0 {
		// A plain letter, as people's mail programs write them.
		h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		tw, err := gomail.CreateSingleInlineWriter(&buf, h)
		if err != nil {
			return nil, err
		}
		_, _ = io.WriteString(tw, text)
		if err := tw.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	w, err := gomail.CreateWriter(&buf, h)
	if err != nil {
		return nil, err
	}
	var th gomail.InlineHeader
	th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	th.Set("Content-Transfer-Encoding", "quoted-printable")
	tw, err := w.CreateSingleInline(th)
	if err != nil {
		return nil, err
	}
	_, _ = io.WriteString(tw, text)
	_ = tw.Close()
	for _, a := range m.Attachments {
		f, err := c.blobs.Open(ctx, a.BlobKey)
		if err != nil {
			return nil, &inbox.SendError{Permanent: true, Reason: "the file " + a.Name + " is missing from storage"}
		}
		var ah gomail.AttachmentHeader
		setFileType(&ah, a.ContentType)
		ah.SetFilename(a.Name)
		ah.Set("Content-Transfer-Encoding", "base64")
		aw, err := w.CreateAttachment(ah)
		if err == nil {
			_, err = io.Copy(aw, f)
			_ = aw.Close()
		}
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// smtpSend hands one letter to the mailbox's SMTP server.
func (c *Connector) smtpSend(ctx context.Context, ch inbox.Channel, from, to string, raw []byte) error {
	pw, err := password(ch)
	if err != nil {
		return &inbox.SendError{Permanent: true, Reason: err.Error()}
	}
	d := net.Dialer{Timeout: c.dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", smtpAddr(ch))
	if err != nil {
		return err
	}
	tlsCfg := &tls.Config{ServerName: ch.Settings[settingSMTPHost], MinVersion: tls.VersionTLS12}
	var cl *smtp.Client
	switch ch.Settings[settingSMTPTLS] {
	case tlsNone:
		cl = smtp.NewClient(conn)
	case tlsStart:
		if cl, err = smtp.NewClientStartTLS(conn, tlsCfg); err != nil {
			conn.Close()
			return err
		}
	default:
		cl = smtp.NewClient(tls.Client(conn, tlsCfg))
	}
	defer cl.Close()
	stop := context.AfterFunc(ctx, func() { cl.Close() })
	defer stop()
	if ok, _ := cl.Extension("AUTH"); ok {
		if err := cl.Auth(sasl.NewPlainClient("", ch.Settings[settingUsername], pw)); err != nil {
			return err
		}
	}
	if err := cl.SendMail(from, []string{to}, bytes.NewReader(raw)); err != nil {
		return err
	}
	return cl.Quit()
}

// classify maps SMTP answers to what the dispatcher acts on: 5xx will not
// get better by retrying, 4xx and network trouble may.
func classify(err error, ch inbox.Channel) error {
	var se *inbox.SendError
	if errors.As(err, &se) {
		return se
	}
	var smtpErr *smtp.SMTPError
	if errors.As(err, &smtpErr) {
		reason := fmt.Sprintf("the mail server answered %d %s", smtpErr.Code, redact(smtpErr.Message, ch))
		if smtpErr.Code >= 500 {
			return &inbox.SendError{Permanent: true, Reason: reason}
		}
		return &inbox.SendError{RetryAfter: 30 * time.Second, Reason: reason}
	}
	return errors.New("mail: " + redact(err.Error(), ch))
}
