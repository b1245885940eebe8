package mailing

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// MaxImageBytes caps one picture of the block editor: it is fetched by
// every recipient's mail program.
const MaxImageBytes = 2 << 20

// imageTypes are the pictures mail programs show; the type is sniffed
// from the bytes, so a script named .png stays out.
var imageTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp"}

// Images keep the pictures uploaded in the block editor and serve them
// to mail programs at a public, unguessable address.
type Images struct {
	db     *db.DB
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
	if _, err := s.db.ExecContext(ctx, `INSERT INTO mailing_images (id, unit_id, content_type, data, created_at) VALUES ($1,$2,$3,$4,$5)`,
		id, sc.UnitID, ct, base64.StdEncoding.EncodeToString(data), db.Now()); err != nil {
		return UploadedImage{}, fmt.Errorf("mailing: store image: %w", err)
	}
	img := UploadedImage{ID: id, Src: ImagePath + id}
	if base := s.tokens.baseURL(); base != "" {
		img.URL = base + img.Src
	}
	return img, nil
}

// image returns a stored picture and its type.
func (s *Images) image(ctx context.Context, id string) ([]byte, string, error) {
	var ct, data string
	err := s.db.QueryRowContext(ctx, `SELECT content_type, data FROM mailing_images WHERE id = $1`, id).Scan(&ct, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", db.ErrNotFound
	}
	if err != nil {
		return nil, "", err
	}
	b, err := base64.StdEncoding.DecodeString(data)
	return b, ct, err
}
