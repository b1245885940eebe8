package mailing

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// MaxImageBytes caps one picture of the block editor: it is fetched by
// every recipient's mail program.
const MaxImageBytes = 2 << 20

// imageTypes are the pictures mail programs show; the type is sniffed
// from the bytes, so a script named .png stays out.
var imageTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp"}

// Images keep the pictures uploaded in the block editor and serve them
// to mail programs at a public, unguessable address. The bytes live in
// the blob store (blobs; nil keeps them in SQL as base64, as pictures
// uploaded before the blob store did), the row keeps the key and type;
// Sweep removes what no letter names any more.
type Images struct {
	db     *db.DB
	blobs  blob.Store
	tokens tokens
}

// UploadedImage is where an uploaded picture is found.
type UploadedImage struct {
	ID string `json:"id"`
	// Src is what an image block holds: the path under the hub, made
	// absolute with the public address when the letter is sent.
	Src string `json:"src"`
	// URL is the absolute address, when the hub knows its own.
	URL string `json:"url,omitempty"`
}

// Upload stores a picture in the caller's unit.
func (s *Images) Upload(ctx context.Context, sc access.Scope, data []byte) (UploadedImage, error) {
	if err := requireSend(sc); err != nil {
		return UploadedImage{}, err
	}
	if len(data) == 0 || len(data) > MaxImageBytes {
		return UploadedImage{}, valid.Errorf("image", "image_size", "a picture may take at most 2 MB")
	}
	ct := http.DetectContentType(data)
	if !slices.Contains(imageTypes, ct) {
		return UploadedImage{}, valid.Errorf("image", "image_type", "only PNG, JPEG, GIF and WebP pictures can go into a letter")
	}
	id := uuid.Must(uuid.NewV7()).String()
	inline, key := "", ""
	if s.blobs == nil {
		inline = base64.StdEncoding.EncodeToString(data)
	} else {
		info, err := s.blobs.Put(ctx, bytes.NewReader(data), MaxImageBytes)
		if err != nil {
			return UploadedImage{}, fmt.Errorf("mailing: store image: %w", err)
		}
		key = info.Key
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO mailing_images (id, unit_id, content_type, data, blob_key, size, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7)`, id, sc.UnitID, ct, inline, key, len(data), db.Now()); err != nil {
		if key != "" {
			_ = s.blobs.Delete(ctx, key)
		}
		return UploadedImage{}, fmt.Errorf("mailing: store image: %w", err)
	}
	img := UploadedImage{ID: id, Src: ImagePath + id}
	if base := s.tokens.baseURL(); base != "" {
		img.URL = base + img.Src
	}
	return img, nil
}

// image opens a stored picture and returns its type.
func (s *Images) image(ctx context.Context, id string) (io.ReadSeekCloser, string, error) {
	var ct, data, key string
	err := s.db.QueryRowContext(ctx, `SELECT content_type, data, blob_key FROM mailing_images WHERE id = $1`, id).Scan(&ct, &data, &key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", db.ErrNotFound
	}
	if err != nil {
		return nil, "", err
	}
	if key == "" || s.blobs == nil {
		b, err := base64.StdEncoding.DecodeString(data)
		return nopCloser{bytes.NewReader(b)}, ct, err
	}
	f, err := s.blobs.Open(ctx, key)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, "", db.ErrNotFound
	}
	return f, ct, err
}

type nopCloser struct{ io.ReadSeeker }

func (nopCloser) Close() error { return nil }
