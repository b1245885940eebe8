package workflow

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// MaxAttachmentBytes is the largest file a document takes.
const MaxAttachmentBytes = 50 << 20

// Attachment is one version of a document's file. Files are never
// overwritten: uploading a file of the same name adds a version, and the
// version the chairman signed stays marked and fixed.
type Attachment struct {
	ID          string    `json:"id"`
	DocumentID  string    `json:"document_id"`
	Name        string    `json:"name"`
	Version     int       `json:"version"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	ContentType string    `json:"content_type"`
	Signed      bool      `json:"signed"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
	blobKey     string
}

// Files keeps the documents' attachments and their versions.
type Files struct{ *core }

// fileRef is stored content to attach (a template's file).
type fileRef struct {
	Name        string `json:"name"`
	BlobKey     string `json:"blob_key"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	ContentType string `json:"content_type"`
}

// cleanFileName refuses names that are plainly broken, then cleans the
// rest the one way every stored file name is cleaned (blob.CleanName: no
// bidirectional controls or other invisible characters).
func cleanFileName(name string) (string, error) {
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if name == "" || name == "." || name == "/" || utf8.RuneCountInString(name) > 200 || !utf8.ValidString(name) ||
		strings.ContainsAny(name, "\x00\r\n\"") {
		return "", valid.Errorf("name", "file_name", "a file name is 1–200 characters without quotes or line breaks")
	}
	return blob.CleanName(name), nil
}

func insertAttachment(ctx context.Context, tx db.Execer, sc access.Scope, docID string, f fileRef, now int64) error {
	var version int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM wf_attachments WHERE document_id = $1 AND name = $2`,
		docID, f.Name).Scan(&version); err != nil {
		return fmt.Errorf("workflow: attachment: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO wf_attachments (id, document_id, name, version, blob_key, size, sha256, content_type, uploaded_by, uploaded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, newID(), docID, f.Name, version, f.BlobKey, f.Size, f.SHA256, f.ContentType, sc.UserName, now)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return valid.Refuse(db.ErrConflict, "version_race", "another version of %s was uploaded at the same moment; try again", f.Name)
		}
		return fmt.Errorf("workflow: attachment: %w", err)
	}
	return addEvent(ctx, tx, sc, docID, "attachment", "", "", "", map[string]any{"name": f.Name, "version": version, "sha256": f.SHA256})
}

// AddAttachment stores a file (a new version when the name exists). The
// registering secretary and anyone with an open task on the document (an
// executor's report) may attach. After signature the upload is recorded as
// a version added after signing; the signed version stays as it was.
func (s *Files) AddAttachment(ctx context.Context, sc access.Scope, docID, name, contentType string, r io.Reader) (Attachment, error) {
	name, err := cleanFileName(name)
	if err != nil {
		return Attachment{}, err
	}
	if _, _, err := mime.ParseMediaType(contentType); err != nil || len(contentType) > 200 {
		contentType = "application/octet-stream"
	}
	doc, err := s.getDocument(ctx, s.db, sc, docID)
	if err != nil {
		return Attachment{}, err
	}
	if err := s.mayAttach(ctx, sc, docID); err != nil {
		return Attachment{}, err
	}
	info, err := s.blobs.Put(ctx, r, MaxAttachmentBytes)
	if err != nil {
		return Attachment{}, err
	}
	var id string
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertAttachment(ctx, tx, sc, docID, fileRef{Name: name, BlobKey: info.Key, Size: info.Size, SHA256: info.SHA256,
			ContentType: contentType}, db.Now()); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT id FROM wf_attachments WHERE document_id = $1 AND name = $2 ORDER BY version DESC LIMIT 1`,
			docID, name).Scan(&id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "document.attach", ObjectType: "document", ObjectID: docID, UnitID: doc.UnitID,
			Details: map[string]any{"number": doc.Number, "file": name, "sha256": info.SHA256, "after_signature": !doc.SignedAt.IsZero()}})
	})
	if err != nil {
		_ = s.blobs.Delete(context.WithoutCancel(ctx), info.Key)
		return Attachment{}, err
	}
	return s.attachment(ctx, sc, id)
}

func (s *Files) mayAttach(ctx context.Context, sc access.Scope, docID string) error {
	if sc.Can(access.RegisterDocuments) {
		return nil
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM wf_tasks WHERE document_id = $1 AND assignee_id = $2 AND status = 'open'`,
		docID, sc.UserID).Scan(&n); err != nil {
		return fmt.Errorf("workflow: attach: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("%w: only the secretary or a person working on the document may attach files", access.ErrForbidden)
	}
	return nil
}

const attachmentColumns = `id, document_id, name, version, size, sha256, content_type, signed, uploaded_by, uploaded_at, blob_key`

func scanAttachment(row interface{ Scan(...any) error }) (Attachment, error) {
	var a Attachment
	var at int64
	err := row.Scan(&a.ID, &a.DocumentID, &a.Name, &a.Version, &a.Size, &a.SHA256, &a.ContentType, &a.Signed, &a.UploadedBy, &at, &a.blobKey)
	a.UploadedAt = db.Time(at)
	return a, err
}

// Attachments lists every version of every file of a document.
func (s *Files) Attachments(ctx context.Context, sc access.Scope, docID string) ([]Attachment, error) {
	if _, err := s.getDocument(ctx, s.db, sc, docID); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+attachmentColumns+` FROM wf_attachments WHERE document_id = $1 ORDER BY name, version`, docID)
	if err != nil {
		return nil, fmt.Errorf("workflow: attachments: %w", err)
	}
	defer rows.Close()
	out := []Attachment{}
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (s *Files) attachment(ctx context.Context, sc access.Scope, id string) (Attachment, error) {
	a, err := scanAttachment(s.db.QueryRowContext(ctx, `SELECT `+attachmentColumns+` FROM wf_attachments WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("workflow: attachment %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("workflow: attachment: %w", err)
	}
	if _, err := s.getDocument(ctx, s.db, sc, a.DocumentID); err != nil {
		return a, err
	}
	return a, nil
}

// OpenAttachment returns a file version sc may see, for download.
func (s *Files) OpenAttachment(ctx context.Context, sc access.Scope, id string) (Attachment, io.ReadSeekCloser, error) {
	a, err := s.attachment(ctx, sc, id)
	if err != nil {
		return a, nil, err
	}
	rc, err := s.blobs.Open(ctx, a.blobKey)
	if err != nil && errors.Is(err, blob.ErrNotFound) {
		return a, nil, fmt.Errorf("workflow: attachment %s: content missing: %w", id, err)
	}
	return a, rc, err
}
