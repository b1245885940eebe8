package backup

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to look at the target
	_ "modernc.org/sqlite"             // the "sqlite" driver, likewise
)

// Restore brings the backup at from (a directory or a .tar.gz) into the
// installation, which must be empty: no tables in its database, no blobs.
// Every file is checked against the manifest before anything is written;
// a backup that fails (a file missing, changed, extra, or the archive cut
// short) is refused with the name of the file.
func Restore(ctx context.Context, in Installation, from string) (Manifest, error) {
	if _, err := os.Stat(from); err != nil {
		return Manifest{}, err
	}
	if err := checkEmpty(ctx, in); err != nil {
		return Manifest{}, err
	}
	m, err := Verify(from)
	if err != nil {
		return m, err
	}
	if m.Database != in.kind() {
		return m, fmt.Errorf("the backup holds a %s database and this installation uses %s: restore it into an installation of the same kind",
			m.Database, in.kind())
	}
	var pg pgTarget
	if m.Database == "postgres" {
		if pg, err = parsePG(in.DatabaseURL); err != nil {
			return m, err
		}
		if pg.schema != m.PGSchema {
			return m, fmt.Errorf("the backup holds schema %q and PROFHUB_DATABASE_URL uses %q: set search_path to the backup's schema "+
				"(or restore into a new database)", orPublic(m.PGSchema), orPublic(pg.schema))
		}
		if _, err := pgProgram("psql"); err != nil {
			return m, err
		}
	}
	return m, write(ctx, in, from, m, pg)
}

func orPublic(s string) string {
	if s == "" {
		return "public"
	}
	return s
}

// Verify checks a backup against its manifest without writing anything.
func Verify(from string) (Manifest, error) {
	type seen struct {
		size int64
		sum  string
	}
	got := map[string]seen{}
	var raw []byte
	err := walkBackup(from, func(name string, r io.Reader) error {
		if name == manifestName {
			b, err := io.ReadAll(io.LimitReader(r, 64<<20))
			raw = b
			return err
		}
		h := sha256.New()
		n, err := io.Copy(h, r)
		if err != nil {
			return err
		}
		got[name] = seen{n, hex.EncodeToString(h.Sum(nil))}
		return nil
	})
	if err != nil {
		return Manifest{}, fmt.Errorf("backup refused: %w", err)
	}
	if raw == nil {
		return Manifest{}, fmt.Errorf("backup refused: %s is missing (the backup was cut short or this is not a profhub backup)", manifestName)
	}
	m, err := parseManifest(raw)
	if err != nil {
		return m, fmt.Errorf("backup refused: %w", err)
	}
	for _, f := range m.Files {
		g, ok := got[f.Path]
		switch {
		case !ok:
			return m, fmt.Errorf("backup refused: %s is in the manifest but missing from the backup (partial backup)", f.Path)
		case g.size != f.Size:
			return m, fmt.Errorf("backup refused: %s has %d bytes, the manifest says %d", f.Path, g.size, f.Size)
		case g.sum != f.SHA256:
			return m, fmt.Errorf("backup refused: checksum of %s fails: SHA-256 %s, the manifest says %s", f.Path, g.sum, f.SHA256)
		}
		delete(got, f.Path)
	}
	for name := range got {
		return m, fmt.Errorf("backup refused: %s is not in the manifest", name)
	}
	return m, nil
}

// checkEmpty refuses an installation that has tables or blobs: a restore
// never merges into or overwrites data.
func checkEmpty(ctx context.Context, in Installation) error {
	var n int
	if in.kind() == "sqlite" {
		if _, err := os.Stat(in.sqlitePath()); err == nil {
			sdb, err := sql.Open("sqlite", "file:"+in.sqlitePath()+"?mode=ro")
			if err != nil {
				return err
			}
			defer sdb.Close()
			if err := sdb.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table'").Scan(&n); err != nil {
				return fmt.Errorf("%s: %w", in.sqlitePath(), err)
			}
		}
	} else {
		pdb, err := sql.Open("pgx", in.DatabaseURL)
		if err != nil {
			return err
		}
		defer pdb.Close()
		if err := pdb.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()").Scan(&n); err != nil {
			return fmt.Errorf("target database: %w", err)
		}
	}
	if n > 0 {
		return fmt.Errorf("restore refused: the target database already has %d tables; restore only into an empty installation "+
			"(a new PROFHUB_DATA_DIR, or an empty PROFHUB_DATABASE_URL database)", n)
	}
	blobs := 0
	_ = filepath.WalkDir(in.BlobDir, func(p string, e os.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() && !strings.HasPrefix(p, filepath.Join(in.BlobDir, "tmp")+string(filepath.Separator)) {
			blobs++
		}
		return nil
	})
	if blobs > 0 {
		return fmt.Errorf("restore refused: the blob store %s is not empty (%d files); restore only into an empty installation", in.BlobDir, blobs)
	}
	return nil
}

// write is the second pass. Each file is checked again as it is written,
// in case the backup changed since Verify. The database is loaded in one
// transaction (PostgreSQL) or renamed into place last (SQLite).
func write(ctx context.Context, in Installation, from string, m Manifest, pg pgTarget) (err error) {
	want := map[string]File{}
	for _, f := range m.Files {
		want[f.Path] = f
	}
	if err := os.MkdirAll(filepath.Join(in.BlobDir, "tmp"), 0o750); err != nil {
		return err
	}
	var written []string
	if err := os.MkdirAll(in.DataDir, 0o750); err != nil {
		return err
	}
	sqliteTmp := in.sqlitePath() + ".restore"
	sqlTmp := filepath.Join(in.DataDir, "profhub.sql.restore")
	// Left over by a restore that was killed: ours to replace.
	os.Remove(sqliteTmp)
	os.Remove(sqlTmp)
	defer os.Remove(sqlTmp)
	defer func() {
		if err != nil {
			for _, p := range written {
				os.Remove(p)
			}
			os.Remove(sqliteTmp)
		}
	}()
	err = walkBackup(from, func(name string, r io.Reader) error {
		f, ok := want[name]
		if !ok {
			return nil // the manifest
		}
		h := sha256.New()
		r = io.TeeReader(r, h)
		check := func() error {
			if hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
				return fmt.Errorf("checksum of %s fails: the backup changed during the restore", name)
			}
			return nil
		}
		switch {
		case name == postgresName:
			// Loaded from a checked file: psql fed a pipe that breaks would
			// commit what it had read.
			if err := copyTo(sqlTmp, r); err != nil {
				return err
			}
			return check()
		case name == sqliteName:
			if err := copyTo(sqliteTmp, r); err != nil {
				return err
			}
			return check()
		default:
			p := filepath.Join(in.BlobDir, filepath.FromSlash(strings.TrimPrefix(name, blobPrefix)))
			if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
				return err
			}
			written = append(written, p)
			if err := copyTo(p, r); err != nil {
				return err
			}
			return check()
		}
	})
	if err != nil {
		return fmt.Errorf("restore failed, nothing kept: %w", err)
	}
	if m.Database == "postgres" {
		if err = pg.load(ctx, sqlTmp); err != nil {
			return fmt.Errorf("restore failed, nothing kept: %w", err)
		}
		return nil
	}
	if m.Database == "sqlite" {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(in.sqlitePath() + suffix) // an empty file checked above
		}
		return os.Rename(sqliteTmp, in.sqlitePath())
	}
	return nil
}

func copyTo(p string, r io.Reader) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}
