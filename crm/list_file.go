package crm

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// ListFiles keeps the files of the "file" fields of list records.
type ListFiles struct {
	db    *db.DB
	lists *Lists
	files fileStore
}

// A "file" field of a universal list holds one uploaded file. The file is
// uploaded first (UploadListFile, checked as fileStore.put says) and the record
// then names it by id; the stored value is {id, name, size, content_type}.
// An uploaded file may be named only by the person who uploaded it, in the
// list and field it was uploaded for, until a record holds it; after that
// only by that record. Export writes its name.

// fileFieldID takes the id out of a file field's value: the id itself or
// the value as read ({"id": …}).
func fileFieldID(f ListField, v any) (any, error) {
	var id string
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		id = strings.TrimSpace(x)
	case map[string]any:
		id, _ = x["id"].(string)
	default:
		return nil, valid.Errorf(f.Key, "value", "%s: must name an uploaded file", f.Title)
	}
	if id == "" {
		return nil, nil
	}
	if len(id) > 100 {
		return nil, valid.Errorf(f.Key, "value", "%s: must name an uploaded file", f.Title)
	}
	return id, nil
}

// listFileFor returns the stored value of file id for field f of a record.
func listFileFor(ctx context.Context, q db.Execer, sc access.Scope, listID string, f ListField, recordID, id string) (map[string]any, error) {
	var name, ctype string
	var size int64
	err := q.QueryRowContext(ctx, `SELECT name, size, content_type FROM crm_list_files WHERE id = $1 AND list_id = $2 AND field_key = $3
		AND (record_id = $4 OR record_id = '' AND uploaded_by = $5)`, id, listID, f.Key, recordID, sc.UserID).Scan(&name, &size, &ctype)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, valid.Errorf(f.Key, "file", "%s: no such uploaded file; upload it to this field first", f.Title)
	}
	if err != nil {
		return nil, fmt.Errorf("crm: list file: %w", err)
	}
	return map[string]any{"id": id, "name": name, "size": size, "content_type": ctype}, nil
}

// claimListFiles binds the files a record's values name to the record,
// and lets go of those it no longer names (PurgeListFiles removes them).
func claimListFiles(ctx context.Context, tx db.Execer, l List, recordID string, vals map[string]any) error {
	held := []any{recordID}
	marks := []string{}
	for _, f := range l.Fields {
		if v, ok := vals[f.Key].(map[string]any); ok && f.Type == FieldFile {
			if _, err := tx.ExecContext(ctx, `UPDATE crm_list_files SET record_id = $1 WHERE id = $2`, recordID, v["id"]); err != nil {
				return fmt.Errorf("crm: list file: %w", err)
			}
			held = append(held, v["id"])
			marks = append(marks, fmt.Sprintf("$%d", len(held)))
		}
	}
	keep := ""
	if len(marks) > 0 {
		keep = " AND id NOT IN (" + strings.Join(marks, ", ") + ")"
	}
	if _, err := tx.ExecContext(ctx, `UPDATE crm_list_files SET record_id = '', uploaded_at = 0 WHERE record_id = $1`+keep, held...); err != nil {
		return fmt.Errorf("crm: list file: %w", err)
	}
	return nil
}

// UnclaimedFileAge is how long an uploaded list file waits for a record
// to name it before PurgeListFiles removes it.
const UnclaimedFileAge = 24 * time.Hour

// PurgeListFiles deletes list files no record names: uploads never saved
// into a record (after UnclaimedFileAge) and files a record replaced or
// dropped. The row goes first, so of several nodes purging at once only
// one deletes the blob. It returns how many files it removed.
func (s *ListFiles) PurgeListFiles(ctx context.Context) (int, error) {
	if s.files.blobs == nil {
		return 0, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, blob_key FROM crm_list_files WHERE record_id = '' AND uploaded_at < $1 LIMIT 500`,
		time.Now().Add(-UnclaimedFileAge).UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("crm: purge list files: %w", err)
	}
	type file struct{ id, key string }
	var files []file
	for rows.Next() {
		var f file
		if err := rows.Scan(&f.id, &f.key); err != nil {
			rows.Close()
			return 0, fmt.Errorf("crm: purge list files: %w", err)
		}
		files = append(files, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("crm: purge list files: %w", err)
	}
	n := 0
	for _, f := range files {
		res, err := s.db.ExecContext(ctx, `DELETE FROM crm_list_files WHERE id = $1 AND record_id = ''`, f.id)
		if err != nil {
			return n, fmt.Errorf("crm: purge list files: %w", err)
		}
		if gone, _ := res.RowsAffected(); gone != 1 {
			continue // named by a record meanwhile, or purged by another node
		}
		if err := s.files.blobs.Delete(ctx, f.key); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// UploadListFile keeps a file for a file field of a list the caller may
// keep records in; a record then names it by the returned id.
func (s *ListFiles) UploadListFile(ctx context.Context, sc access.Scope, listID, fieldKey, name, contentType string, r io.Reader) (StoredFile, error) {
	if err := requireEdit(sc); err != nil {
		return StoredFile{}, err
	}
	l, err := s.lists.GetList(ctx, sc, listID)
	if err != nil {
		return StoredFile{}, err
	}
	var field *ListField
	for i := range l.Fields {
		if l.Fields[i].Key == fieldKey && l.Fields[i].Type == FieldFile {
			field = &l.Fields[i]
		}
	}
	if field == nil {
		return StoredFile{}, valid.Errorf("field", "field_unknown", "the list has no file field %q", fieldKey)
	}
	f, err := s.files.put(ctx, name, contentType, r)
	if err != nil {
		return StoredFile{}, err
	}
	f.ID, f.UploadedBy, f.UploadedAt = uuid.Must(uuid.NewV7()).String(), sc.UserName, db.Time(db.Now())
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO crm_list_files (id, list_id, field_key, name, blob_key, size, sha256, content_type, uploaded_by, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, f.ID, l.ID, field.Key, f.Name, f.blobKey, f.Size, f.SHA256, f.ContentType,
			sc.UserID, f.UploadedAt.UnixMilli()); err != nil {
			return fmt.Errorf("crm: list file: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "list.file_upload", ObjectType: "list", ObjectID: l.ID,
			Details: map[string]any{"list": l.Name, "field": field.Key, "file": f.Name, "sha256": f.SHA256}})
	})
	if err != nil {
		s.files.delete(ctx, f)
		return StoredFile{}, err
	}
	return f, nil
}

// openRecordFile returns the file a record in the caller's scope holds in
// field fieldKey, open for serveFile.
func (s *ListFiles) openRecordFile(ctx context.Context, sc access.Scope, listID, recordID, fieldKey string) (StoredFile, io.ReadSeekCloser, error) {
	f, err := s.recordFile(ctx, sc, listID, recordID, fieldKey)
	if err != nil {
		return f, nil, err
	}
	rd, err := s.files.open(ctx, f)
	return f, rd, err
}

func (s *ListFiles) recordFile(ctx context.Context, sc access.Scope, listID, recordID, fieldKey string) (StoredFile, error) {
	l, err := s.lists.GetList(ctx, sc, listID)
	if err != nil {
		return StoredFile{}, err
	}
	notFound := fmt.Errorf("crm: file of record %s: %w", recordID, db.ErrNotFound)
	var unitID, vals string
	err = s.db.QueryRowContext(ctx, `SELECT unit_id, vals FROM crm_list_records WHERE id = $1 AND list_id = $2`, recordID, l.ID).Scan(&unitID, &vals)
	if errors.Is(err, sql.ErrNoRows) {
		return StoredFile{}, notFound
	}
	if err != nil {
		return StoredFile{}, fmt.Errorf("crm: list file: %w", err)
	}
	if _, err := unitInScope(ctx, s.db, sc, unitID); err != nil {
		return StoredFile{}, notFound
	}
	var values map[string]any
	if err := json.Unmarshal([]byte(vals), &values); err != nil {
		return StoredFile{}, fmt.Errorf("crm: record %s: stored JSON: %w", recordID, err)
	}
	v, _ := values[fieldKey].(map[string]any)
	id, _ := v["id"].(string)
	if id == "" {
		return StoredFile{}, notFound
	}
	f, err := scanStoredFile(s.db.QueryRowContext(ctx, `SELECT `+storedFileColumns+` FROM crm_list_files WHERE id = $1 AND record_id = $2`, id, recordID))
	if errors.Is(err, sql.ErrNoRows) {
		return StoredFile{}, notFound
	}
	return f, err
}
