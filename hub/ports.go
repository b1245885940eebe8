package hub

import (
	"context"
	"errors"

	"github.com/profhub/profhub/connectors/mail"
	"github.com/profhub/profhub/widget"
	"github.com/profhub/profhub/workflow"
)

// The domains name what they need from a connector as a small interface
// of their own, in their own types; the adapters here satisfy those
// interfaces, so no domain imports a connector (see ../internal/archtest).

// lateMail is the mail connector as the workflow (workflow.Mailer: outgoing
// documents, task e-mails) and the widget (widget.Mailer: replies to away
// visitors) send through it. It is the wiring's one late binding, because
// the connector closes two construction cycles:
//
//   - widget → mail → widget: the widget sends its letters through the
//     connector, and the connector hands the answers to those letters
//     back to the widget (mail.Deps.Replies);
//   - workflow → mail → mailing → crm → workflow: the connector reports
//     campaign bounces to mailing (mail.Deps.Bounces), mailing reads the
//     CRM, and the CRM notifies people through the workflow's Notices.
//
// So the workflow and the widget are built with this adapter, and the hub
// binds it to the connector as soon as the connector exists, before any
// worker starts or any request is served.
type lateMail struct{ c *mail.Connector }

var errMailUnbound = errors.New("hub: the mail connector is not built yet")

// bind is called once, by newConnectors.
func (m *lateMail) bind(c *mail.Connector) { m.c = c }

func (m *lateMail) SendLetterWithFiles(ctx context.Context, mailChannelID, to, subject, text string, files []workflow.LetterFile) (string, error) {
	if m.c == nil {
		return "", errMailUnbound
	}
	letterFiles := make([]mail.LetterFile, len(files))
	for i, f := range files {
		letterFiles[i] = mail.LetterFile{Name: f.Name, ContentType: f.ContentType, Data: f.Data}
	}
	return m.c.SendLetterWithFiles(ctx, mailChannelID, to, subject, text, letterFiles)
}

func (m *lateMail) SendLetterAs(ctx context.Context, mailChannelID, key, to, subject, text string) error {
	if m.c == nil {
		return errMailUnbound
	}
	return m.c.SendLetterAs(ctx, mailChannelID, key, to, subject, text)
}

func (m *lateMail) SendHTMLLetterAs(ctx context.Context, mailChannelID, key, to, subject, text, html string) error {
	if m.c == nil {
		return errMailUnbound
	}
	return m.c.SendHTMLLetterAs(ctx, mailChannelID, key, to, subject, text, html)
}

// widgetReplies offers the widget the letters that answer its e-mailed
// replies to away visitors.
type widgetReplies struct{ w *widget.MailReplies }

func (t widgetReplies) TakeReply(ctx context.Context, mailChannelID string, r mail.LetterReply) (mail.TakenReply, error) {
	taken, err := t.w.TakeReply(ctx, mailChannelID, widget.MailReply{ID: r.ID, Refs: r.Refs, From: r.From,
		Subject: r.Subject, Text: r.Text, Attachments: r.Attachments})
	return mail.TakenReply{ConversationID: taken.ConversationID, Duplicate: taken.Duplicate}, err
}
