package chat

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

// ErrFileTooLarge refuses a file over MaxFileBytes; the handler says so
// from the declared length, before reading the body.
var ErrFileTooLarge = valid.Refuse(blob.ErrTooLarge, "chat_file_large", "a file may be at most 20 MB")

// Upload stores a file for a message the caller will post to the chat.
// The type is sniffed from the content; the client's claim is not trusted.
func (s *Service) Upload(ctx context.Context, sc access.Scope, chatID, name string, r io.Reader) (File, error) {
	c, err := s.open(ctx, sc, chatID)
	if err != nil {
		return File{}, err
	}
	br := bufio.NewReaderSize(r, 512)
	head, _ := br.Peek(512)
	ctype := http.DetectContentType(head)
	if mt, _, err := mime.ParseMediaType(ctype); err == nil {
		ctype = mt
	}
	info, err := s.blobs.Put(ctx, br, MaxFileBytes)
	if errors.Is(err, blob.ErrTooLarge) {
		return File{}, ErrFileTooLarge
	}
	if err != nil {
		return File{}, err
	}
	if info.Size == 0 {
		_ = s.blobs.Delete(ctx, info.Key)
		return File{}, valid.Errorf("file", "empty", "the file is empty")
	}
	f := File{Key: info.Key, Name: blob.CleanName(name), ContentType: ctype, Size: info.Size}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO chat_files (blob_key, chat_id, uploaded_by, name, content_type, size, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, f.Key, c.ID, sc.UserID, f.Name, f.ContentType, f.Size, db.Now()); err != nil {
		_ = s.blobs.Delete(ctx, info.Key)
		return File{}, fmt.Errorf("chat: file: %w", err)
	}
	return f, nil
}

// claimFiles are the caller's uploads to the chat named by keys; another's
// file or one of another chat is refused.
func (s *Service) claimFiles(ctx context.Context, tx db.Execer, sc access.Scope, chatID string, keys []string) ([]File, error) {
	out := []File{}
	for _, k := range keys {
		var f File
		err := tx.QueryRowContext(ctx, `SELECT blob_key, name, content_type, size FROM chat_files
			WHERE blob_key = $1 AND chat_id = $2 AND uploaded_by = $3`, k, chatID, sc.UserID).Scan(&f.Key, &f.Name, &f.ContentType, &f.Size)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, valid.Keyed("files", "chat_file_unknown", "chat_file_unknown", "upload the file to this chat first")
		}
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// OpenedFile is a file a member may read, open.
type OpenedFile struct {
	File
	Created time.Time
	Body    io.ReadSeekCloser
}

// OpenFile opens a file of a chat the caller is a member of.
func (s *Service) OpenFile(ctx context.Context, sc access.Scope, key string) (OpenedFile, error) {
	var o OpenedFile
	var chatID string
	var created int64
	err := s.db.QueryRowContext(ctx, `SELECT blob_key, chat_id, name, content_type, size, created_at FROM chat_files WHERE blob_key = $1`, key).
		Scan(&o.Key, &chatID, &o.Name, &o.ContentType, &o.Size, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("chat file %s: %w", key, db.ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("chat: file: %w", err)
	}
	if _, err := s.open(ctx, sc, chatID); err != nil {
		return o, err
	}
	o.Created = db.Time(created)
	if o.Body, err = s.blobs.Open(ctx, key); err != nil {
		return o, err
	}
	return o, nil
}

// inlineTypes are shown in the page (images); every other file downloads.
var inlineTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

func serveFile(w http.ResponseWriter, r *http.Request, f OpenedFile) {
	defer f.Body.Close()
	disposition, ctype := "attachment", "application/octet-stream"
	if inlineTypes[f.ContentType] {
		disposition, ctype = "inline", f.ContentType
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, max-age=3600")
	http.ServeContent(w, r, "", f.Created, f.Body)
}
