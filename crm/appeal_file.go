package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// AttachToAppeal keeps a file on an appeal the caller may see (checked
// as fileStore.put says).
func (s *AppealDetails) AttachToAppeal(ctx context.Context, sc access.Scope, appealID, name, contentType string, r io.Reader) (StoredFile, error) {
	if err := requireAppeals(sc); err != nil {
		return StoredFile{}, err
	}
	a, err := s.appeals.GetAppeal(ctx, sc, appealID)
	if err != nil {
		return StoredFile{}, err
	}
	f, err := s.files.put(ctx, name, contentType, r)
	if err != nil {
		return StoredFile{}, err
	}
	f.ID, f.UploadedBy, f.UploadedAt = uuid.Must(uuid.NewV7()).String(), sc.UserName, db.Time(db.Now())
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO crm_appeal_files (id, appeal_id, name, blob_key, size, sha256, content_type, uploaded_by, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, f.ID, a.ID, f.Name, f.blobKey, f.Size, f.SHA256, f.ContentType, f.UploadedBy,
			f.UploadedAt.UnixMilli()); err != nil {
			return fmt.Errorf("crm: appeal file: %w", err)
		}
		if err := insertAppealEvent(ctx, tx, sc, a.ID, "file", AppealEvent{Note: f.Name}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "appeal.attach", ObjectType: "appeal", ObjectID: a.ID, UnitID: a.UnitID,
			Details: map[string]any{"number": a.Number, "file": f.Name, "sha256": f.SHA256, "size": f.Size}})
	})
	if err != nil {
		s.files.delete(ctx, f)
		return StoredFile{}, err
	}
	return f, nil
}

const storedFileColumns = `id, name, size, content_type, sha256, uploaded_by, uploaded_at, blob_key`

func scanStoredFile(row interface{ Scan(...any) error }) (StoredFile, error) {
	var f StoredFile
	var at int64
	err := row.Scan(&f.ID, &f.Name, &f.Size, &f.ContentType, &f.SHA256, &f.UploadedBy, &at, &f.blobKey)
	f.UploadedAt = db.Time(at)
	return f, err
}

// AppealFiles lists the files of an appeal the caller may see.
func (s *AppealDetails) AppealFiles(ctx context.Context, sc access.Scope, appealID string) ([]StoredFile, error) {
	if _, err := s.appeals.GetAppeal(ctx, sc, appealID); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+storedFileColumns+` FROM crm_appeal_files WHERE appeal_id = $1 ORDER BY id LIMIT 500`, appealID)
	if err != nil {
		return nil, fmt.Errorf("crm: appeal files: %w", err)
	}
	defer rows.Close()
	out := []StoredFile{}
	for rows.Next() {
		f, err := scanStoredFile(rows)
		if err != nil {
			return nil, fmt.Errorf("crm: appeal files: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// openFile returns one file of an appeal the caller may see, open for
// serveFile.
func (s *AppealDetails) openFile(ctx context.Context, sc access.Scope, appealID, fileID string) (StoredFile, io.ReadSeekCloser, error) {
	f, err := s.appealFile(ctx, sc, appealID, fileID)
	if err != nil {
		return f, nil, err
	}
	rd, err := s.files.open(ctx, f)
	return f, rd, err
}

func (s *AppealDetails) appealFile(ctx context.Context, sc access.Scope, appealID, fileID string) (StoredFile, error) {
	if _, err := s.appeals.GetAppeal(ctx, sc, appealID); err != nil {
		return StoredFile{}, err
	}
	f, err := scanStoredFile(s.db.QueryRowContext(ctx, `SELECT `+storedFileColumns+` FROM crm_appeal_files WHERE id = $1 AND appeal_id = $2`,
		fileID, appealID))
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("crm: appeal file %s: %w", fileID, db.ErrNotFound)
	}
	return f, err
}
