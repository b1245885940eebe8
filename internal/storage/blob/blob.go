// Package blob keeps attachments, call recordings and raw e-mails outside
// SQL. SQL rows hold the key; the bytes live in a directory by default (an
// S3-compatible store can implement the same interface for several nodes).
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"github.com/google/uuid"
)

// ErrTooLarge is returned by Put when the content exceeds the limit given.
var ErrTooLarge = errors.New("blob: content too large")

// ErrNotFound is returned for an unknown or malformed key.
var ErrNotFound = errors.New("blob: not found")

// Info describes stored content.
type Info struct {
	Key    string `json:"key"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Store is what packages that keep files need.
type Store interface {
	// Put stores at most maxBytes from r and returns its key.
	Put(ctx context.Context, r io.Reader, maxBytes int64) (Info, error)
	// Open returns the content for reading and seeking (range requests).
	Open(ctx context.Context, key string) (io.ReadSeekCloser, error)
	Delete(ctx context.Context, key string) error
}

// Dir stores blobs as files under a root directory, two levels of
// subdirectories deep so no directory grows huge.
type Dir struct {
	root string
}

// NewDir creates the directory if needed.
func NewDir(root string) (*Dir, error) {
	if err := os.MkdirAll(filepath.Join(root, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return &Dir{root: root}, nil
}

var keyPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func (d *Dir) path(key string) (string, error) {
	// Keys are ours (UUIDs); anything else, such as "../x", is refused
	// rather than resolved.
	if !keyPattern.MatchString(key) {
		return "", ErrNotFound
	}
	return filepath.Join(d.root, key[34:36], key[32:34], key), nil
}

// Put writes to a temporary file, syncs it and renames it into place, so a
// crash never leaves a half-written blob under a valid key.
func (d *Dir) Put(ctx context.Context, r io.Reader, maxBytes int64) (Info, error) {
	tmp, err := os.CreateTemp(filepath.Join(d.root, "tmp"), "put-*")
	if err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, maxBytes+1))
	if err != nil {
		return Info{}, fmt.Errorf("blob: write: %w", err)
	}
	if n > maxBytes {
		return Info{}, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, maxBytes)
	}
	if err := ctx.Err(); err != nil {
		return Info{}, err
	}
	if err := tmp.Sync(); err != nil {
		return Info{}, fmt.Errorf("blob: sync: %w", err)
	}
	key := uuid.Must(uuid.NewV7()).String()
	dst, _ := d.path(key)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	return Info{Key: key, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Open opens a stored blob.
func (d *Dir) Open(_ context.Context, key string) (io.ReadSeekCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// Delete removes a blob; deleting a missing one is not an error.
func (d *Dir) Delete(_ context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("blob: delete: %w", err)
	}
	return nil
}
