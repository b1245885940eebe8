package feed

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// File is a file or picture of a post.
type File struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
	Image       bool   `json:"image"`
	at          time.Time
	blobKey     string
}

// fileKinds maps an accepted extension to the type its content must
// sniff as and the type it is served with. Pictures are shown in the
// post; everything else is only downloaded.
var fileKinds = map[string]struct{ sniffed, stored string }{
	".png":  {"image/png", "image/png"},
	".jpg":  {"image/jpeg", "image/jpeg"},
	".jpeg": {"image/jpeg", "image/jpeg"},
	".gif":  {"image/gif", "image/gif"},
	".webp": {"image/webp", "image/webp"},
	".pdf":  {"application/pdf", "application/pdf"},
	".txt":  {"text/plain", "text/plain"},
	".zip":  {"application/zip", "application/zip"},
	".docx": {"application/zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	".xlsx": {"application/zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	".pptx": {"application/zip", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
	".odt":  {"application/zip", "application/vnd.oasis.opendocument.text"},
}

// Upload keeps a file for a post the caller is about to publish; Create
// takes it by id. The content must be what the name says, and at most
// MaxFileBytes.
func (s *Service) Upload(ctx context.Context, sc access.Scope, name string, r io.Reader) (File, error) {
	if !sc.Can(access.PostFeed) || s.deps.Blobs == nil {
		return File{}, valid.Refuse(access.ErrForbidden, "feed_post", "only chairmen, deputies, secretaries and administrators publish in the feed")
	}
	name = blob.CleanName(name)
	kind, ok := fileKinds[strings.ToLower(path.Ext(name))]
	if !ok {
		return File{}, valid.Errorf("name", "feed_file_type", "%q: accepted are pictures (png, jpg, gif, webp), pdf, txt, zip and office documents", name)
	}
	br := bufio.NewReaderSize(r, 512)
	head, _ := br.Peek(512)
	if len(head) == 0 {
		return File{}, valid.Errorf("file", "empty", "the file is empty")
	}
	if t, _, _ := mime.ParseMediaType(http.DetectContentType(head)); t != kind.sniffed {
		return File{}, valid.Errorf("file", "feed_file_content", "%q: the content is %s, not what the name says", name, t)
	}
	info, err := s.deps.Blobs.Put(ctx, br, MaxFileBytes)
	if errors.Is(err, blob.ErrTooLarge) {
		return File{}, valid.Errorf("file", "feed_file_size", "a file may have at most %d MB", MaxFileBytes>>20)
	}
	if err != nil {
		return File{}, err
	}
	f := File{ID: uuid.Must(uuid.NewV7()).String(), Name: name, Size: info.Size, ContentType: kind.stored,
		Image: strings.HasPrefix(kind.stored, "image/"), blobKey: info.Key}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO feed_files (id, uploaded_by, name, content_type, size, sha256, blob_key, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, f.ID, sc.UserID, f.Name, f.ContentType, f.Size, info.SHA256, info.Key, s.now().UnixMilli()); err != nil {
		_ = s.deps.Blobs.Delete(context.WithoutCancel(ctx), info.Key)
		return File{}, fmt.Errorf("feed: upload: %w", err)
	}
	return f, nil
}

// claimFiles gives the uploader's loose files to their new post; a file
// of someone else's, or one already used, refuses the post.
func claimFiles(ctx context.Context, tx db.Execer, userID, postID string, ids []string) error {
	for _, id := range compact(ids) {
		res, err := tx.ExecContext(ctx, `UPDATE feed_files SET post_id = $3 WHERE id = $1 AND uploaded_by = $2 AND post_id = ''`, id, userID, postID)
		if err != nil {
			return fmt.Errorf("feed: files: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return valid.Errorf("files", "feed_file", "a file of the post is not among your uploads: upload it again")
		}
	}
	return nil
}

func (s *Service) files(ctx context.Context, postID string) ([]File, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, size, content_type, blob_key, created_at FROM feed_files WHERE post_id = $1 ORDER BY id`, postID)
	if err != nil {
		return nil, fmt.Errorf("feed: files: %w", err)
	}
	defer rows.Close()
	out := []File{}
	for rows.Next() {
		var f File
		var at int64
		if err := rows.Scan(&f.ID, &f.Name, &f.Size, &f.ContentType, &f.blobKey, &at); err != nil {
			return nil, err
		}
		f.Image, f.at = strings.HasPrefix(f.ContentType, "image/"), db.Time(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// OpenFile opens a file of a post the caller may read.
func (s *Service) OpenFile(ctx context.Context, sc access.Scope, postID, fileID string) (File, io.ReadSeekCloser, error) {
	if _, _, err := s.get(ctx, s.db, sc, postID); err != nil {
		return File{}, nil, err
	}
	fs, err := s.files(ctx, postID)
	if err != nil {
		return File{}, nil, err
	}
	for _, f := range fs {
		if f.ID == fileID && s.deps.Blobs != nil {
			rd, err := s.deps.Blobs.Open(ctx, f.blobKey)
			return f, rd, err
		}
	}
	return File{}, nil, db.ErrNotFound
}

// serveFile writes a post's file: a picture inline (nosniff, sandboxed),
// anything else as a download.
func serveFile(w http.ResponseWriter, r *http.Request, f File, rd io.ReadSeekCloser) {
	defer rd.Close()
	h := w.Header()
	disp := "attachment"
	if f.Image {
		disp = "inline"
	}
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": f.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, max-age=3600")
	http.ServeContent(w, r, "", f.at, rd)
}

// looseAge is how long an upload waits for the post that takes it.
const looseAge = 24 * time.Hour

// PurgeLoose deletes the uploads no post took within a day (a composer
// closed before publishing), with their bytes.
func (s *Service) PurgeLoose(ctx context.Context) (int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, blob_key FROM feed_files WHERE post_id = '' AND created_at < $1 LIMIT 500`,
		s.now().Add(-looseAge).UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("feed: loose files: %w", err)
	}
	type loose struct{ id, key string }
	var list []loose
	for rows.Next() {
		var l loose
		if err := rows.Scan(&l.id, &l.key); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, l)
	}
	rows.Close()
	n := 0
	for _, l := range list {
		res, err := s.db.ExecContext(ctx, `DELETE FROM feed_files WHERE id = $1 AND post_id = ''`, l.id)
		if err != nil {
			return n, fmt.Errorf("feed: loose files: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 1 && s.deps.Blobs != nil {
			_ = s.deps.Blobs.Delete(ctx, l.key)
			n++
		}
	}
	return n, nil
}
