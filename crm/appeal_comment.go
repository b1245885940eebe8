package crm

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
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
func (s *AppealDetails) CommentAppeal(ctx context.Context, sc access.Scope, appealID, text string) (AppealComment, error) {
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
func (s *AppealDetails) AppealComments(ctx context.Context, sc access.Scope, appealID string) ([]AppealComment, error) {
	if _, err := s.appeals.GetAppeal(ctx, sc, appealID); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.author_id, `+audit.ActorSQL("c.author_id", "c.author_name")+`, c.text, c.created_at
		FROM crm_appeal_comments c
		WHERE c.appeal_id = $1 ORDER BY c.id LIMIT 1000`, appealID)
	if err != nil {
		return nil, fmt.Errorf("crm: appeal comments: %w", err)
	}
	defer rows.Close()
	out := []AppealComment{}
	for rows.Next() {
		var c AppealComment
		var at int64
		var full string
		if err := rows.Scan(&c.ID, &c.AuthorID, &full, &c.AuthorName, &c.Text, &at); err != nil {
			return nil, fmt.Errorf("crm: appeal comments: %w", err)
		}
		c.CreatedAt, c.AuthorName = db.Time(at), audit.Actor(full, c.AuthorName)
		out = append(out, c)
	}
	return out, rows.Err()
}
