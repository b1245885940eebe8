package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// insertItem stores a notice once per (person, event key).
func insertItem(ctx context.Context, tx db.Execer, n Notice, d Delivery, at int64) (bool, error) {
	mail, push, tg := "none", "none", "none"
	if d.Email {
		mail = "pending"
	}
	if d.Push {
		push = "pending"
	}
	if d.Telegram {
		tg = "pending" // skipped by the deliverer when the person has no linked account
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO notify_items (id, user_id, event_key, kind, text, link, at, in_hub, mail_state, push_state, tg_state)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (user_id, event_key) DO NOTHING`,
		uuid.Must(uuid.NewV7()).String(), n.UserID, n.Key, n.Kind, truncate(n.Text, 300), n.Link, at, d.Hub, mail, push, tg)
	if err != nil {
		return false, fmt.Errorf("notify: record %s: %w", n.Kind, err)
	}
	k, err := res.RowsAffected()
	return k == 1, err
}

// List returns the caller's notices newest first (before: an item id, for
// the next page) and how many are unread.
func (s *Service) List(ctx context.Context, sc access.Scope, before string, limit int) ([]Item, int, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	if before == "" {
		before = "~" // after every id
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, text, link, at, read_at FROM notify_items
		WHERE user_id = $1 AND in_hub AND id < $2 ORDER BY id DESC LIMIT $3`, sc.UserID, before, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("notify: list: %w", err)
	}
	defer rows.Close()
	out := []Item{}
	for rows.Next() {
		var it Item
		var at, read int64
		if err := rows.Scan(&it.ID, &it.Kind, &it.Text, &it.Link, &at, &read); err != nil {
			return nil, 0, err
		}
		it.At, it.Read = db.Time(at), read != 0
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	unread, err := s.Unread(ctx, sc)
	return out, unread, err
}

// Unread counts the caller's unread notices, for the bell.
func (s *Service) Unread(ctx context.Context, sc access.Scope) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_items WHERE user_id = $1 AND in_hub AND read_at = 0`, sc.UserID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("notify: unread: %w", err)
	}
	return n, nil
}

// Get returns one of the caller's notices; another person's is not found.
func (s *Service) Get(ctx context.Context, sc access.Scope, id string) (Item, error) {
	var it Item
	var at, read int64
	err := s.db.QueryRowContext(ctx, `SELECT id, kind, text, link, at, read_at FROM notify_items WHERE id = $1 AND user_id = $2 AND in_hub`,
		id, sc.UserID).Scan(&it.ID, &it.Kind, &it.Text, &it.Link, &at, &read)
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, fmt.Errorf("notify: notice %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return Item{}, fmt.Errorf("notify: notice %s: %w", id, err)
	}
	it.At, it.Read = db.Time(at), read != 0
	return it, nil
}

// MarkRead marks the caller's notice id read, or all of them when id is
// empty, and returns how many stay unread.
func (s *Service) MarkRead(ctx context.Context, sc access.Scope, id string) (int, error) {
	_, err := s.db.ExecContext(ctx, `UPDATE notify_items SET read_at = $1 WHERE user_id = $2 AND read_at = 0 AND ($3 = '' OR id = $3)`,
		s.now().UnixMilli(), sc.UserID, id)
	if err != nil {
		return 0, fmt.Errorf("notify: mark read: %w", err)
	}
	s.announce(sc.UserID) // the person's other tabs
	return s.Unread(ctx, sc)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
