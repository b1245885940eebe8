package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/profhub/profhub/access"
	"github.com/profhub/profhub/audit"
	"github.com/profhub/profhub/db"
	"github.com/profhub/profhub/valid"
)

// AppealComment is an internal note of the staff on an appeal; the member
// never sees it.
type AppealComment struct {
	ID         string    `json:"id"`
	AuthorID   string    `json:"author_id"`
	AuthorName string    `json:"author_name"`
	Text       string    `json:"text"`
	CreatedAt  time.Time `json:"created_at"`
}

// CommentAppeal adds a note to an appeal the caller may see.
func (s *Store) CommentAppeal(ctx context.Context, sc access.Scope, appealID, text string) (AppealComment, error) {
	if err := requireAppeals(sc); err != nil {
		return AppealComment{}, err
	}
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > 5000 || !utf8.ValidString(text) {
		return AppealComment{}, valid.Errorf("text", "comment_required", "a comment is 1–5000 characters")
	}
	c := AppealComment{ID: uuid.Must(uuid.NewV7()).String(), AuthorID: sc.UserID, AuthorName: sc.UserName, Text: text, CreatedAt: db.Time(db.Now())}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		a, err := getAppeal(ctx, tx, sc, appealID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO crm_appeal_comments (id, appeal_id, author_id, author_name, text, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, c.ID, a.ID, c.AuthorID, c.AuthorName, c.Text, c.CreatedAt.UnixMilli()); err != nil {
			return fmt.Errorf("crm: appeal comment: %w", err)
		}
		if err := insertAppealEvent(ctx, tx, sc, a.ID, "comment", AppealEvent{}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "appeal.comment", ObjectType: "appeal", ObjectID: a.ID, UnitID: a.UnitID,
			Details: map[string]any{"number": a.Number}})
	})
	return c, err
}

// AppealComments returns the notes on an appeal the caller may see,
// oldest first.
func (s *Store) AppealComments(ctx context.Context, sc access.Scope, appealID string) ([]AppealComment, error) {
	if _, err := s.GetAppeal(ctx, sc, appealID); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, author_id, author_name, text, created_at FROM crm_appeal_comments
		WHERE appeal_id = $1 ORDER BY id LIMIT 1000`, appealID)
	if err != nil {
		return nil, fmt.Errorf("crm: appeal comments: %w", err)
	}
	defer rows.Close()
	out := []AppealComment{}
	for rows.Next() {
		var c AppealComment
		var at int64
		if err := rows.Scan(&c.ID, &c.AuthorID, &c.AuthorName, &c.Text, &at); err != nil {
			return nil, fmt.Errorf("crm: appeal comments: %w", err)
		}
		c.CreatedAt = db.Time(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// AttachToAppeal keeps a file on an appeal the caller may see (checked
// as putFile says).
func (s *Store) AttachToAppeal(ctx context.Context, sc access.Scope, appealID, name, contentType string, r io.Reader) (StoredFile, error) {
	if err := requireAppeals(sc); err != nil {
		return StoredFile{}, err
	}
	a, err := s.GetAppeal(ctx, sc, appealID)
	if err != nil {
		return StoredFile{}, err
	}
	f, err := s.putFile(ctx, name, contentType, r)
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
		_ = s.Blobs.Delete(context.WithoutCancel(ctx), f.blobKey)
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
func (s *Store) AppealFiles(ctx context.Context, sc access.Scope, appealID string) ([]StoredFile, error) {
	if _, err := s.GetAppeal(ctx, sc, appealID); err != nil {
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

// appealFile returns one file of an appeal the caller may see.
func (s *Store) appealFile(ctx context.Context, sc access.Scope, appealID, fileID string) (StoredFile, error) {
	if _, err := s.GetAppeal(ctx, sc, appealID); err != nil {
		return StoredFile{}, err
	}
	f, err := scanStoredFile(s.db.QueryRowContext(ctx, `SELECT `+storedFileColumns+` FROM crm_appeal_files WHERE id = $1 AND appeal_id = $2`,
		fileID, appealID))
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("crm: appeal file %s: %w", fileID, db.ErrNotFound)
	}
	return f, err
}
