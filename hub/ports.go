package hub

import (
	"context"

	"github.com/profhub/profhub/connectors/mail"
	"github.com/profhub/profhub/widget"
	"github.com/profhub/profhub/workflow"
)

// The domains name what they need from a connector as a small interface
// of their own, in their own types; the adapters here satisfy those
// interfaces, so no domain imports a connector (see ../internal/archtest).

// documentMailer lets the workflow dispatch documents by e-mail.
type documentMailer struct{ c *mail.Connector }

func (m documentMailer) SendLetterWithFiles(ctx context.Context, mailChannelID, to, subject, text string, files []workflow.LetterFile) (string, error) {
	letterFiles := make([]mail.LetterFile, len(files))
	for i, f := range files {
		letterFiles[i] = mail.LetterFile{Name: f.Name, ContentType: f.ContentType, Data: f.Data}
	}
	return m.c.SendLetterWithFiles(ctx, mailChannelID, to, subject, text, letterFiles)
}

// widgetReplies offers the widget the letters that answer its e-mailed
// replies to away visitors.
type widgetReplies struct{ w *widget.Widget }

func (t widgetReplies) TakeReply(ctx context.Context, mailChannelID string, r mail.LetterReply) (mail.TakenReply, error) {
	taken, err := t.w.TakeReply(ctx, mailChannelID, widget.MailReply{ID: r.ID, Refs: r.Refs, From: r.From,
		Subject: r.Subject, Text: r.Text, Attachments: r.Attachments})
	return mail.TakenReply{ConversationID: taken.ConversationID, Duplicate: taken.Duplicate}, err
}
