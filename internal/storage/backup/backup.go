package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// Installation is where one installation keeps its data.
type Installation struct {
	DatabaseURL string // empty: SQLite file profhub.db in DataDir
	DataDir     string
	BlobDir     string
}

func (in Installation) kind() string {
	if in.DatabaseURL == "" {
		return "sqlite"
	}
	return "postgres"
}

func (in Installation) sqlitePath() string { return filepath.Join(in.DataDir, "profhub.db") }

// Create writes a backup of the installation open as d to `to`, a new
// directory or a FILE.tar.gz. The database is snapshotted first and the
// blobs copied after: blobs are written once under new keys, so every blob
// the snapshot names is there (unless deleted in between); blobs added
// after the snapshot come along unused.
func Create(ctx context.Context, d *db.DB, in Installation, to, build string, now time.Time) (Manifest, error) {
	m := Manifest{Format: Format, Version: FormatVersion, Profhub: build, CreatedAt: now.UTC(), Database: in.kind()}
	var err error
	if m.SchemaVersion, err = schemaVersion(ctx, d); err != nil {
		return m, err
	}
	var s sink
	if IsArchive(to) {
		s, err = newTarSink(to)
	} else {
		s, err = newDirSink(to)
	}
	if err != nil {
		return m, err
	}
	if err := fill(ctx, d, in, to, s, &m); err != nil {
		s.abort()
		return m, err
	}
	return m, s.close()
}

func fill(ctx context.Context, d *db.DB, in Installation, to string, s sink, m *Manifest) error {
	// The snapshot is made in a scratch file beside the output (same
	// disk, so no surprise on a small /tmp), then added like any file.
	scratch, err := os.MkdirTemp(filepath.Dir(filepath.Clean(to)), ".profhub-backup-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	snap := filepath.Join(scratch, "snapshot")
	if in.kind() == "sqlite" {
		// VACUUM INTO reads one transaction's view while the hub writes on.
		if _, err := d.ExecContext(ctx, "VACUUM INTO $1", snap); err != nil {
			return fmt.Errorf("sqlite snapshot: %w", err)
		}
	} else {
		t, err := parsePG(in.DatabaseURL)
		if err != nil {
			return err
		}
		m.PGSchema = t.schema
		f, err := os.Create(snap)
		if err != nil {
			return err
		}
		err = t.dump(ctx, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	if err := addFile(s, m, dbName(m.Database), snap); err != nil {
		return err
	}
	if err := filepath.WalkDir(in.BlobDir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && p == filepath.Join(in.BlobDir, "tmp") {
			return filepath.SkipDir // uploads in progress
		}
		if !e.Type().IsRegular() {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(in.BlobDir, p)
		if err != nil {
			return err
		}
		err = addFile(s, m, blobPrefix+filepath.ToSlash(rel), p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // deleted since the walk listed it
		}
		return err
	}); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob store: %w", err)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return s.add(manifestName, int64(len(b)), strings.NewReader(string(b)))
}

func addFile(s sink, m *Manifest, name, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	h := sha256.New()
	if err := s.add(name, st.Size(), io.TeeReader(io.LimitReader(f, st.Size()), h)); err != nil {
		return err
	}
	m.Files = append(m.Files, File{Path: name, Size: st.Size(), SHA256: hex.EncodeToString(h.Sum(nil))})
	return nil
}

// schemaVersion is the last migration applied (goose's table).
func schemaVersion(ctx context.Context, d *db.DB) (int64, error) {
	var v int64
	if err := d.QueryRowContext(ctx, "SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied").Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}
