package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"
	"github.com/google/uuid"

	"github.com/profhub/profhub/db"
	"github.com/profhub/profhub/inbox"
)

// SendLetter sends a plain letter from a mail channel's mailbox through its
// SMTP account, for another channel that answers someone by e-mail (the
// site widget answers its offline form this way). A channel that is not an
// enabled mail channel, or an SMTP 5xx, is a permanent inbox.SendError;
// anything else may succeed on a retry.
func (c *Connector) SendLetter(ctx context.Context, channelID, to, subject, text string) error {
	ch, err := c.inbox.Channel(ctx, channelID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && (ch.Kind != inbox.KindMail || ch.Disabled)) {
		return &inbox.SendError{Permanent: true, Reason: "the mailbox for answers by e-mail is not an enabled mail channel"}
	}
	if err != nil {
		return err
	}
	if !strings.Contains(to, "@") {
		return &inbox.SendError{Permanent: true, Reason: "not an e-mail address: " + to}
	}
	from := ch.Settings[settingFrom]
	_, domain, _ := strings.Cut(from, "@")
	var h gomail.Header
	h.SetDate(time.Now())
	h.SetAddressList("From", []*gomail.Address{{Name: ch.Settings[settingFromName], Address: from}})
	h.SetAddressList("To", []*gomail.Address{{Address: to}})
	h.SetMessageID(fmt.Sprintf("letter.%s@%s", uuid.NewString(), firstNonEmpty(domain, "profhub.invalid")))
	h.SetSubject(subject)
	h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	h.Set("Content-Transfer-Encoding", "quoted-printable")
	var buf bytes.Buffer
	tw, err := gomail.CreateSingleInlineWriter(&buf, h)
	if err != nil {
		return err
	}
	_, _ = io.WriteString(tw, text)
	if err := tw.Close(); err != nil {
		return err
	}
	if err := c.smtpSend(ctx, ch, from, to, buf.Bytes()); err != nil {
		return classify(err, ch)
	}
	return nil
}
