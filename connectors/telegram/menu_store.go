package telegram

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/storage/db"
)

// menuStore keeps the messages a member writes before choosing a topic of
// the bot menu (telegram_menu_pending), out of the queue until they choose.
type menuStore struct {
	db *db.DB
}

// heldUpdate is a held update as Telegram sent it (JSON).
type heldUpdate struct {
	id   int64
	body string
}

// menuChat names a chat with held messages.
type menuChat struct{ ch, chat string }

// heldCount is how many of a chat's messages wait for a choice.
func (s *menuStore) heldCount(ctx context.Context, channelID, chat string) (int, error) {
	var held int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM telegram_menu_pending WHERE channel_id = $1 AND chat_id = $2`,
		channelID, chat).Scan(&held); err != nil {
		return 0, fmt.Errorf("telegram: pending: %w", err)
	}
	return held, nil
}

// hold keeps an update; added is false when it was held before (a replay).
func (s *menuStore) hold(ctx context.Context, channelID, chat string, updateID int64, body []byte) (added bool, err error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO telegram_menu_pending (channel_id, chat_id, update_id, body, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, channelID, chat, updateID, string(body), db.Now())
	if err != nil {
		return false, fmt.Errorf("telegram: hold update: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// pending is a chat's held updates in the order Telegram numbered them.
func (s *menuStore) pending(ctx context.Context, channelID, chat string) ([]heldUpdate, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT update_id, body FROM telegram_menu_pending WHERE channel_id = $1 AND chat_id = $2
		ORDER BY update_id`, channelID, chat)
	if err != nil {
		return nil, fmt.Errorf("telegram: pending: %w", err)
	}
	defer rows.Close()
	var list []heldUpdate
	for rows.Next() {
		var h heldUpdate
		if err := rows.Scan(&h.id, &h.body); err != nil {
			return nil, fmt.Errorf("telegram: pending: %w", err)
		}
		list = append(list, h)
	}
	return list, nil
}

// forget drops a held update once it is ingested.
func (s *menuStore) forget(ctx context.Context, channelID string, updateID int64) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM telegram_menu_pending WHERE channel_id = $1 AND update_id = $2`, channelID, updateID); err != nil {
		return fmt.Errorf("telegram: pending: %w", err)
	}
	return nil
}

// due is the chats with a message held since before the time (ms).
func (s *menuStore) due(ctx context.Context, before int64) ([]menuChat, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT channel_id, chat_id FROM telegram_menu_pending WHERE created_at < $1`, before)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var due []menuChat
	for rows.Next() {
		var k menuChat
		if rows.Scan(&k.ch, &k.chat) == nil {
			due = append(due, k)
		}
	}
	return due, nil
}
