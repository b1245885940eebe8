package tasks

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// Files on a task are kept in the blob store, at most MaxFileBytes each,
// and only ever served as downloads (serveFile), so whatever a file holds
// never runs in our origin.

var errNoBlobs = errors.New("tasks: files need the blob store (Deps.Blobs)")

// Attach keeps a file on a task: who set it, the assignee, co-executors.
func (s *Service) Attach(ctx context.Context, sc access.Scope, id, name string, r io.Reader) (File, error) {
	if s.deps.Blobs == nil {
		return File{}, errNoBlobs
	}
	// the party check comes first: a stranger's upload is not even stored
	if _, err := s.change(ctx, sc, id, ActAttach, func(*sql.Tx, Task) error { return nil }); err != nil {
		return File{}, err
	}
	name = blob.CleanName(name)
	br := bufio.NewReaderSize(r, 512)
	head, _ := br.Peek(512)
	if len(head) == 0 {
		return File{}, valid.Keyed("file", "task", "task_file_empty", "the file is empty")
	}
	info, err := s.deps.Blobs.Put(ctx, br, MaxFileBytes)
	if errors.Is(err, blob.ErrTooLarge) {
		return File{}, valid.Keyed("file", "task", "task_file_large", "a file may have at most %d MB", MaxFileBytes>>20)
	}
	if err != nil {
		return File{}, err
	}
	ct, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	f := File{ID: uuid.Must(uuid.NewV7()).String(), Name: name, Size: info.Size, ContentType: ct, UploadedAt: db.Time(db.Now()), sha256: info.SHA256, blobKey: info.Key}
	_, err = s.change(ctx, sc, id, ActAttach, func(tx *sql.Tx, t Task) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_files (id, task_id, name, blob_key, size, sha256, content_type, uploaded_by, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, f.ID, id, f.Name, f.blobKey, f.Size, f.sha256, f.ContentType, sc.UserID,
			f.UploadedAt.UnixMilli()); err != nil {
			return fmt.Errorf("tasks: file: %w", err)
		}
		return record(ctx, tx, sc, id, "file_added", f.Name)
	})
	if err != nil {
		_ = s.deps.Blobs.Delete(context.WithoutCancel(ctx), f.blobKey)
		return File{}, err
	}
	// read back, so the answer names the uploader in full as the card does
	return scanFile(s.db.QueryRowContext(ctx, `SELECT `+fileColumns+` FROM task_files f LEFT JOIN users us ON us.id = f.uploaded_by
		WHERE f.id = $1`, f.ID))
}

const fileColumns = `f.id, f.name, f.size, f.content_type, COALESCE(us.full_name, ''), f.uploaded_at, f.sha256, f.blob_key`

func scanFile(row interface{ Scan(...any) error }) (File, error) {
	var f File
	var at int64
	err := row.Scan(&f.ID, &f.Name, &f.Size, &f.ContentType, &f.UploadedBy, &at, &f.sha256, &f.blobKey)
	f.UploadedAt = db.Time(at)
	return f, err
}

func (s *Service) files(ctx context.Context, taskID string) ([]File, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+fileColumns+` FROM task_files f LEFT JOIN users us ON us.id = f.uploaded_by
		WHERE f.task_id = $1 ORDER BY f.id LIMIT 500`, taskID)
	if err != nil {
		return nil, fmt.Errorf("tasks: files: %w", err)
	}
	defer rows.Close()
	out := []File{}
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// OpenFile returns a file of a task the caller is party to.
func (s *Service) OpenFile(ctx context.Context, sc access.Scope, id, fileID string) (File, io.ReadSeekCloser, error) {
	if _, err := s.load(ctx, s.db, sc, id); err != nil {
		return File{}, nil, err
	}
	if s.deps.Blobs == nil {
		return File{}, nil, errNoBlobs
	}
	f, err := scanFile(s.db.QueryRowContext(ctx, `SELECT `+fileColumns+` FROM task_files f LEFT JOIN users us ON us.id = f.uploaded_by
		WHERE f.id = $1 AND f.task_id = $2`, fileID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, nil, db.ErrNotFound
	}
	if err != nil {
		return f, nil, fmt.Errorf("tasks: file: %w", err)
	}
	rd, err := s.deps.Blobs.Open(ctx, f.blobKey)
	return f, rd, err
}

// serveFile writes a kept file as a download the browser neither renders
// in our origin nor second-guesses.
func serveFile(w http.ResponseWriter, r *http.Request, f File, rd io.ReadSeekCloser) {
	defer rd.Close()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, max-age=3600")
	if f.sha256 != "" {
		h.Set("ETag", strconv.Quote(f.sha256))
	}
	http.ServeContent(w, r, "", f.UploadedAt, rd)
}
