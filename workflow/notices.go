package workflow

import (
	"context"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// The CRM's appeal deadline notices use the documents' notification list
// (one list for a person to read) and the documents' rule for who is the
// head of a unit. The CRM calls these inside its own transaction, so a
// notice and the mark that it was sent commit together; *Notices satisfies
// crm.AppealNotifier.

// Notices is a person's notification list: documents' tasks, decisions,
// comments and deadlines, and the CRM's appeal deadlines.
type Notices struct{ *core }

// NotifyAppeal adds a notice about an appeal to a person's list.
func (s *Notices) NotifyAppeal(ctx context.Context, tx db.Execer, userID, appealID, kind, text string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO wf_notifications (id, user_id, document_id, appeal_id, kind, text, at)
		VALUES ($1, $2, NULL, $3, $4, $5, $6)`, newID(), userID, appealID, kind, text, s.nowMillis())
	if err != nil {
		return fmt.Errorf("workflow: appeal notice: %w", err)
	}
	return nil
}

// UnitHeads returns the chairmen nearest above (or at) a unit, as a late
// task is escalated; none is not an error.
func (s *Notices) UnitHeads(ctx context.Context, tx db.Execer, unitID string) ([]string, error) {
	doc := Document{DocumentInput: DocumentInput{UnitID: unitID}}
	ids, err := actorUsers(ctx, tx, Actor{Role: access.Chairman}, &doc, nil)
	if err != nil {
		if ve, ok := valid.As(err); ok && ve.Code == "no_actor" {
			return nil, nil
		}
		return nil, err
	}
	return ids, nil
}

// Notification is one item of a person's notification list.
type Notification struct {
	ID         string    `json:"id"`
	DocumentID string    `json:"document_id,omitempty"`
	AppealID   string    `json:"appeal_id,omitempty"` // an appeal's deadline notice (see appeal_notice.go)
	Kind       string    `json:"kind"`
	Text       string    `json:"text"`
	At         time.Time `json:"at"`
	Read       bool      `json:"read"`
}

// Notifications returns sc's newest notifications (after: only newer than
// that id, for polling) and how many are unread.
func (s *Notices) Notifications(ctx context.Context, sc access.Scope, after string, limit int) ([]Notification, int, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(document_id, ''), appeal_id, kind, text, at, read_at FROM wf_notifications
		WHERE user_id = $1 AND id > $2 ORDER BY id DESC LIMIT $3`, sc.UserID, after, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("workflow: notifications: %w", err)
	}
	defer rows.Close()
	out := []Notification{}
	for rows.Next() {
		var n Notification
		var at, read int64
		if err := rows.Scan(&n.ID, &n.DocumentID, &n.AppealID, &n.Kind, &n.Text, &at, &read); err != nil {
			return nil, 0, err
		}
		n.At, n.Read = db.Time(at), read != 0
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var unread int
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM wf_notifications WHERE user_id = $1 AND read_at = 0`, sc.UserID).Scan(&unread)
	return out, unread, err
}

// MarkRead marks sc's notifications read: the one given, or all.
func (s *Notices) MarkRead(ctx context.Context, sc access.Scope, id string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE wf_notifications SET read_at = $1 WHERE user_id = $2 AND read_at = 0 AND ($3 = '' OR id = $3)`,
		db.Now(), sc.UserID, id)
	if err != nil {
		return fmt.Errorf("workflow: mark read: %w", err)
	}
	return nil
}
