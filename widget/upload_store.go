package widget

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/storage/db"
)

// Uploads is the store of the files visitors upload before the message
// that sends them (widget_uploads): a message may name only its visitor's
// own uploads.
type Uploads struct {
	db *db.DB
}

var errUnknownUpload = valid.Errorf("attachments", "attachment", "unknown file: upload it first")

func (u *Uploads) record(ctx context.Context, visitorID string, a inbox.Attachment) error {
	_, err := u.db.ExecContext(ctx, `INSERT INTO widget_uploads (blob_key, visitor_id, name, content_type, size, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, a.BlobKey, visitorID, a.Name, a.ContentType, a.Size, db.Now())
	if err != nil {
		return fmt.Errorf("widget: upload: %w", err)
	}
	return nil
}

// of resolves the blob keys a visitor's message refers to; keys
// that are not the visitor's own uploads are refused.
func (u *Uploads) of(ctx context.Context, visitorID string, keys []string) ([]inbox.Attachment, error) {
	out := make([]inbox.Attachment, 0, len(keys))
	for _, k := range keys {
		a := inbox.Attachment{BlobKey: k}
		err := u.db.QueryRowContext(ctx, `SELECT name, content_type, size FROM widget_uploads WHERE blob_key = $1 AND visitor_id = $2`,
			k, visitorID).Scan(&a.Name, &a.ContentType, &a.Size)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errUnknownUpload
		}
		if err != nil {
			return nil, fmt.Errorf("widget: upload: %w", err)
		}
		out = append(out, a)
	}
	return out, nil
}
