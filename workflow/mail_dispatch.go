package workflow

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/settings"
	"github.com/profhub/profhub/internal/storage/db"
)

// An outgoing document dispatched "by e-mail" is really sent: a letter
// through the SMTP account of the mail channel named by the installation
// setting SettingMailChannel. The decision is recorded first (the
// secretary's choice is history even if the mail server is down); the
// letter goes after the transaction, and its outcome is written into the
// document's dispatch and history. A failed letter can be sent again.

// SettingMailChannel names the mail channel whose mailbox sends outgoing
// documents (`profhub documents mail-channel <channel id>`).
const SettingMailChannel = "workflow.mail_channel"

// Mailer sends a letter, with files, through a mail channel's SMTP
// account and returns its Message-ID; connectors/mail implements it. It
// returns an *inbox.SendError whose Permanent says whether retrying can
// help.
type Mailer interface {
	SendLetterWithFiles(ctx context.Context, mailChannelID, to, subject, text string, files []LetterFile) (string, error)
}

// LetterFile is a file attached to a dispatched document's letter.
type LetterFile struct {
	Name        string
	ContentType string // "" for application/octet-stream
	Data        []byte
}

// MaxLetterFiles is the mail connector's cap on a letter's files (the hub
// checks that the two agree); a file is read at most one byte past it, so
// an oversized one is refused by the connector without being read whole.
const MaxLetterFiles = 18 << 20

// Mail e-mail dispatch states.
const (
	MailSending = "sending"
	MailSent    = "sent"
	MailFailed  = "failed"
)

// MailResult is the outcome of the latest e-mail dispatch attempt.
type MailResult struct {
	Status    string    `json:"status"` // sending | sent | failed
	Permanent bool      `json:"permanent,omitempty"`
	Error     string    `json:"error,omitempty"`
	Channel   string    `json:"channel,omitempty"`
	MessageID string    `json:"message_id,omitempty"` // of the letter that went out
	Attempts  int       `json:"attempts"`
	At        time.Time `json:"at"`
}

// Mail sends outgoing documents by e-mail (and task e-mails, task_mail.go)
// through the Mailer port.
type Mail struct {
	*core
	files   *Files
	mailer  Mailer // sends outgoing documents and task e-mails
	baseURL string // public address for links in e-mails
}

// checkMailDispatch validates the e-mail method inside the decision.
func (s *Mail) checkMailDispatch(ctx context.Context, tx db.Execer, d *Dispatch) error {
	if d.Method != "email" {
		return nil
	}
	addr := strings.TrimSpace(d.Address)
	if at := strings.LastIndex(addr, "@"); at < 1 || at == len(addr)-1 || strings.ContainsAny(addr, " \t\r\n,;<>") {
		return valid.Errorf("dispatch.address", "email_address", "give the recipient's e-mail address")
	}
	d.Address = addr
	ch, err := settings.Get(ctx, tx, SettingMailChannel, "")
	if err != nil {
		return err
	}
	if s.mailer == nil || ch == "" {
		return valid.Errorf("dispatch.method", "mail_not_configured",
			"no mailbox sends documents: the administrator sets %s to a mail channel", SettingMailChannel)
	}
	return nil
}

// SendByMail sends (or sends again) the outgoing document's letter. Only
// one attempt runs at a time and a letter that went is not sent twice.
func (s *Mail) SendByMail(ctx context.Context, sc access.Scope, docID string) (Document, error) {
	var doc Document
	var d Dispatch
	var channel string
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if doc, err = s.getDocument(ctx, tx, sc, docID); err != nil {
			return err
		}
		if doc.Dispatch == nil || doc.Dispatch.Method != "email" {
			return valid.Errorf("dispatch.method", "not_email_dispatch", "the document was not dispatched by e-mail")
		}
		if doc.CreatedBy != sc.UserID && sc.Role != access.Secretary && sc.Role != access.Administrator {
			return fmt.Errorf("%w: only the secretary sends the document", access.ErrForbidden)
		}
		d = *doc.Dispatch
		// A "sending" older than the SMTP timeout is a node that died mid-send.
		stuck := d.Mail != nil && d.Mail.Status == MailSending && s.now().Sub(d.Mail.At) > 2*time.Minute
		if d.Mail != nil && (d.Mail.Status == MailSent || d.Mail.Status == MailSending && !stuck) {
			return fmt.Errorf("%w: the letter is already %s", ErrConflict, d.Mail.Status)
		}
		if channel, err = settings.Get(ctx, tx, SettingMailChannel, ""); err != nil {
			return err
		}
		if s.mailer == nil || channel == "" {
			return valid.Errorf("dispatch.method", "mail_not_configured",
				"no mailbox sends documents: the administrator sets %s to a mail channel", SettingMailChannel)
		}
		old, _ := json.Marshal(doc.Dispatch)
		m := MailResult{Status: MailSending, Channel: channel, At: s.now()}
		if d.Mail != nil {
			m.Attempts = d.Mail.Attempts
		}
		m.Attempts++
		d.Mail = &m
		b, _ := json.Marshal(d)
		// Compare-and-set on the stored dispatch: two retries at once, one sends.
		res, err := tx.ExecContext(ctx, `UPDATE wf_documents SET dispatch = $1 WHERE id = $2 AND dispatch = $3`, string(b), doc.ID, string(old))
		if err != nil {
			return fmt.Errorf("workflow: mail dispatch: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrConflict
		}
		return nil
	})
	if err != nil {
		return Document{}, err
	}
	text, files, err := s.letter(ctx, sc, doc, d)
	var messageID string
	if err == nil {
		// The SMTP exchange is bounded so that a hung server does not hold
		// the secretary's request forever; the state says "failed" after.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		messageID, err = s.mailer.SendLetterWithFiles(sctx, channel, d.Address, doc.Number+" — "+doc.Title, text, files)
		cancel()
	}
	m := *d.Mail
	m.At = s.now()
	m.Status, m.MessageID = MailSent, messageID
	if err != nil {
		m.Status, m.Error, m.Permanent = MailFailed, err.Error(), false
		var se *inbox.SendError
		if errors.As(err, &se) {
			m.Error, m.Permanent = se.Reason, se.Permanent
		}
		s.log.Warn("outgoing document not sent by e-mail", "document", doc.ID, "number", doc.Number, "err", err)
	}
	d.Mail = &m
	if err := s.recordMail(context.WithoutCancel(ctx), sc, doc, d); err != nil {
		return Document{}, err
	}
	return s.document(ctx, sc, docID)
}

// recordMail writes the outcome into the dispatch, the history and the audit.
func (s *Mail) recordMail(ctx context.Context, sc access.Scope, doc Document, d Dispatch) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		b, _ := json.Marshal(d)
		if _, err := tx.ExecContext(ctx, `UPDATE wf_documents SET dispatch = $1 WHERE id = $2`, string(b), doc.ID); err != nil {
			return fmt.Errorf("workflow: mail dispatch: %w", err)
		}
		details := map[string]any{"to": d.Address, "channel": d.Mail.Channel, "status": d.Mail.Status, "attempt": d.Mail.Attempts}
		if d.Mail.MessageID != "" {
			details["message_id"] = d.Mail.MessageID
		}
		if d.Mail.Error != "" {
			details["error"], details["permanent"] = d.Mail.Error, d.Mail.Permanent
		}
		if err := addEvent(ctx, tx, sc, doc.ID, "mail", doc.Step, "", "", details); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "document.mail", ObjectType: "document", ObjectID: doc.ID,
			UnitID: doc.UnitID, Details: details})
	})
}

// letter is the covering letter and its files: the signed versions, or
// the latest version of each file when none is signed (a document
// registered with its final file). The text names each file with its
// version and SHA-256, so the recipient can check what they got.
func (s *Mail) letter(ctx context.Context, sc access.Scope, doc Document, d Dispatch) (string, []LetterFile, error) {
	all, err := s.files.Attachments(ctx, sc, doc.ID)
	if err != nil {
		return "", nil, err
	}
	var chosen []Attachment
	for _, a := range all {
		if a.Signed {
			chosen = append(chosen, a)
		}
	}
	if len(chosen) == 0 {
		latest := map[string]int{}
		for i, a := range all {
			if j, ok := latest[a.Name]; !ok || a.Version > all[j].Version {
				latest[a.Name] = i
			}
		}
		for i, a := range all {
			if latest[a.Name] == i {
				chosen = append(chosen, a)
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nИсх. № %s\n", doc.Title, doc.Number)
	if doc.Summary != "" {
		fmt.Fprintf(&b, "\n%s\n", doc.Summary)
	}
	if d.Note != "" {
		fmt.Fprintf(&b, "\n%s\n", d.Note)
	}
	var files []LetterFile
	for i, a := range chosen {
		if i == 0 {
			b.WriteString("\nВложения:\n")
		}
		fmt.Fprintf(&b, "— %s (версия %d, SHA-256 %s)\n", a.Name, a.Version, a.SHA256)
		data, err := s.readBlob(ctx, a.blobKey, MaxLetterFiles+1)
		if err != nil {
			return "", nil, fmt.Errorf("workflow: file %s of %s: %w", a.Name, doc.Number, err)
		}
		files = append(files, LetterFile{Name: a.Name, ContentType: a.ContentType, Data: data})
	}
	if doc.SignedBy != "" {
		fmt.Fprintf(&b, "\nПодписано: %s, %s\n", doc.SignedBy, doc.SignedAt.In(Zone()).Format("02.01.2006"))
	}
	return b.String(), files, nil
}

func (s *Mail) readBlob(ctx context.Context, key string, limit int64) ([]byte, error) {
	rc, err := s.blobs.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, limit))
}
