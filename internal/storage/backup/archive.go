package backup

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// IsArchive tells whether a backup path names a .tar.gz rather than a directory.
func IsArchive(p string) bool {
	return strings.HasSuffix(p, ".tar.gz") || strings.HasSuffix(p, ".tgz")
}

// sink receives a backup's files one by one.
type sink interface {
	add(name string, size int64, r io.Reader) error
	close() error // on success only
	abort()
}

// dirSink writes into a directory that did not exist or was empty.
type dirSink struct{ root string }

func newDirSink(root string) (*dirSink, error) {
	if entries, err := os.ReadDir(root); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s is not empty: give a new directory or a FILE.tar.gz", root)
	}
	if err := os.MkdirAll(root, 0o750); err != nil {
		return nil, err
	}
	return &dirSink{root: root}, nil
}

func (s *dirSink) add(name string, size int64, r io.Reader) error {
	p := filepath.Join(s.root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, r)
	if err == nil && n != size {
		err = fmt.Errorf("%s changed while it was copied", name)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *dirSink) close() error { return nil }
func (s *dirSink) abort()       {}

// tarSink writes FILE.tar.gz.part and renames it when complete, so an
// interrupted backup never lies where a whole one is expected.
type tarSink struct {
	final string
	f     *os.File
	gz    *gzip.Writer
	tw    *tar.Writer
}

func newTarSink(final string) (*tarSink, error) {
	if _, err := os.Stat(final); err == nil {
		return nil, fmt.Errorf("%s already exists", final)
	}
	f, err := os.OpenFile(final+".part", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return nil, err
	}
	gz := gzip.NewWriter(f)
	return &tarSink{final: final, f: f, gz: gz, tw: tar.NewWriter(gz)}, nil
}

func (s *tarSink) add(name string, size int64, r io.Reader) error {
	h := &tar.Header{Name: name, Mode: 0o640, Size: size, ModTime: time.Now(), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := s.tw.WriteHeader(h); err != nil {
		return err
	}
	if _, err := io.Copy(s.tw, r); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func (s *tarSink) close() error {
	err := errors.Join(s.tw.Close(), s.gz.Close(), s.f.Sync(), s.f.Close())
	if err != nil {
		os.Remove(s.f.Name())
		return err
	}
	return os.Rename(s.f.Name(), s.final)
}

func (s *tarSink) abort() {
	s.f.Close()
	os.Remove(s.f.Name())
}

// walkBackup calls fn for each regular file of a backup directory or
// archive, by its slash path. An archive that ends early or fails its
// gzip check is reported with the last file read whole.
func walkBackup(from string, fn func(name string, r io.Reader) error) error {
	if !IsArchive(from) {
		return filepath.WalkDir(from, func(p string, e fs.DirEntry, err error) error {
			if err != nil || !e.Type().IsRegular() {
				return err
			}
			rel, err := filepath.Rel(from, p)
			if err != nil {
				return err
			}
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			return fn(filepath.ToSlash(rel), f)
		})
	}
	f, err := os.Open(from)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s is not a gzip archive: %w", from, err)
	}
	tr := tar.NewReader(gz)
	last := "(its start)"
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("the archive is damaged or incomplete after %s: %w", last, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if err := fn(h.Name, tr); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
				return fmt.Errorf("the archive is damaged or incomplete inside %s: %w", h.Name, err)
			}
			return err
		}
		last = h.Name
	}
}
