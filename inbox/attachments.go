package inbox

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// MaxAttachmentBytes caps one uploaded file (the widget and connectors
// have their own, smaller, provider limits).
const MaxAttachmentBytes = 25 << 20

// inlineTypes are shown in the console (images, audio players for call
// recordings, PDFs); everything else is only ever downloaded.
var inlineTypes = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
	"audio/mpeg": true, "audio/ogg": true, "audio/wav": true, "audio/x-wav": true, "audio/webm": true,
	"video/mp4": true, "video/webm": true, "application/pdf": true,
}

// Upload stores a file for a conversation the caller may see, for a reply
// or note to refer to. The type is sniffed from the content; the client's
// claim is not trusted.
func (at *Attachments) Upload(ctx context.Context, sc access.Scope, convID, name string, r io.Reader) (Attachment, error) {
	if _, err := at.conversationFor(ctx, sc, convID); err != nil {
		return Attachment{}, err
	}
	br := bufio.NewReaderSize(r, 512)
	head, _ := br.Peek(512)
	ctype := http.DetectContentType(head)
	if mt, _, err := mime.ParseMediaType(ctype); err == nil {
		ctype = mt
	}
	info, err := at.blobs.Put(ctx, br, MaxAttachmentBytes)
	if err != nil {
		return Attachment{}, err
	}
	if info.Size == 0 {
		_ = at.blobs.Delete(ctx, info.Key)
		return Attachment{}, valid.Errorf("file", "empty", "the file is empty")
	}
	a := Attachment{BlobKey: info.Key, Name: blob.CleanName(name), ContentType: ctype, Size: info.Size}
	if _, err := at.db.ExecContext(ctx, `INSERT INTO inbox_attachments (blob_key, conversation_id, name, content_type, size, sha256, uploaded_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, a.BlobKey, convID, a.Name, a.ContentType, a.Size, info.SHA256, sc.UserID, db.Now()); err != nil {
		_ = at.blobs.Delete(ctx, info.Key)
		return Attachment{}, fmt.Errorf("inbox: attachment: %w", err)
	}
	return a, nil
}

// resolveAttachments replaces what a reply claims about its files with
// what was stored, and refuses files of other conversations.
func (at *Attachments) resolveAttachments(ctx context.Context, convID string, in []Attachment) ([]Attachment, error) {
	out := make([]Attachment, 0, len(in))
	for _, a := range in {
		var got Attachment
		err := at.db.QueryRowContext(ctx, `SELECT blob_key, name, content_type, size FROM inbox_attachments WHERE blob_key = $1 AND conversation_id = $2`,
			a.BlobKey, convID).Scan(&got.BlobKey, &got.Name, &got.ContentType, &got.Size)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, valid.Errorf("attachments", "attachment", "unknown attachment %q: upload it to this conversation first", a.BlobKey)
		}
		if err != nil {
			return nil, fmt.Errorf("inbox: attachment: %w", err)
		}
		out = append(out, got)
	}
	return out, nil
}

// recordAttachments registers files a connector stored for an inbound
// message, so they can be downloaded under the conversation's scope.
func recordAttachments(ctx context.Context, tx db.Execer, convID string, atts []Attachment) error {
	for _, a := range atts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_attachments (blob_key, conversation_id, name, content_type, size, sha256, created_at)
			VALUES ($1, $2, $3, $4, $5, '', $6) ON CONFLICT DO NOTHING`, a.BlobKey, convID, blob.CleanName(a.Name), a.ContentType, a.Size, db.Now()); err != nil {
			return fmt.Errorf("inbox: attachment: %w", err)
		}
	}
	return nil
}

// OpenedAttachment is a file the caller may see, open for reading; the
// caller closes File.
type OpenedAttachment struct {
	Attachment
	Created time.Time
	File    io.ReadSeekCloser
}

// OpenAttachment opens a file the caller may see.
func (at *Attachments) OpenAttachment(ctx context.Context, sc access.Scope, key string) (OpenedAttachment, error) {
	var a Attachment
	var convID string
	var created int64
	err := at.db.QueryRowContext(ctx, `SELECT blob_key, conversation_id, name, content_type, size, created_at FROM inbox_attachments WHERE blob_key = $1`,
		key).Scan(&a.BlobKey, &convID, &a.Name, &a.ContentType, &a.Size, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return OpenedAttachment{}, fmt.Errorf("inbox: attachment %s: %w", key, db.ErrNotFound)
	}
	if err != nil {
		return OpenedAttachment{}, fmt.Errorf("inbox: attachment: %w", err)
	}
	if _, err := at.conversationFor(ctx, sc, convID); err != nil {
		return OpenedAttachment{}, err
	}
	f, err := at.blobs.Open(ctx, key)
	if err != nil {
		return OpenedAttachment{}, err
	}
	return OpenedAttachment{Attachment: a, Created: ms(created), File: f}, nil
}

// ServeAttachment writes an opened file, with range support (audio
// players seek in call recordings), and closes it. Only known media types
// are shown inline; everything else downloads, and nothing is sniffed.
func ServeAttachment(w http.ResponseWriter, r *http.Request, a OpenedAttachment) {
	defer a.File.Close()
	disposition := "attachment"
	ctype := a.ContentType
	if inlineTypes[ctype] {
		disposition = "inline"
	} else {
		ctype = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": a.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, max-age=3600")
	http.ServeContent(w, r, "", a.Created, a.File)
}

// ReadAttachment returns a file the caller may see, up to max bytes, with
// the conversation it belongs to; connectors use it to render what they
// stored (mail shows a letter's HTML with or without remote images).
func (at *Attachments) ReadAttachment(ctx context.Context, sc access.Scope, key string, max int64) (Attachment, Conversation, []byte, error) {
	var a Attachment
	var convID string
	err := at.db.QueryRowContext(ctx, `SELECT blob_key, conversation_id, name, content_type, size FROM inbox_attachments WHERE blob_key = $1`,
		key).Scan(&a.BlobKey, &convID, &a.Name, &a.ContentType, &a.Size)
	if errors.Is(err, sql.ErrNoRows) {
		return a, Conversation{}, nil, fmt.Errorf("inbox: attachment %s: %w", key, db.ErrNotFound)
	}
	if err != nil {
		return a, Conversation{}, nil, fmt.Errorf("inbox: attachment: %w", err)
	}
	r, err := at.conversationFor(ctx, sc, convID)
	if err != nil {
		return a, Conversation{}, nil, err
	}
	f, err := at.blobs.Open(ctx, key)
	if err != nil {
		return a, Conversation{}, nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max))
	if err != nil {
		return a, Conversation{}, nil, fmt.Errorf("inbox: attachment %s: %w", key, err)
	}
	return a, r.conv, data, nil
}
