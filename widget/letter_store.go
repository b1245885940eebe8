package widget

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/profhub/profhub/internal/storage/db"
)

// Letters is the store of the answers e-mailed to away visitors
// (widget_mail_letters): which visitor and chat a letter's key belongs to.
type Letters struct {
	db *db.DB
}

func letterKey(messageID string) string { return "widget." + messageID }

// record notes the letter about to be sent for a reply.
func (l *Letters) record(ctx context.Context, key, mailChannelID, channelID, visitorID, convID string) error {
	_, err := l.db.ExecContext(ctx, `INSERT INTO widget_mail_letters (letter_key, mail_channel_id, channel_id, visitor_id,
		conversation_id, created_at) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING`, key, mailChannelID, channelID, visitorID, convID, db.Now())
	if err != nil {
		return fmt.Errorf("widget: record letter: %w", err)
	}
	return nil
}

// find reads whom the letter key of mailbox mailChannelID went to.
func (l *Letters) find(ctx context.Context, mailChannelID, key string) (visitorID, channelID string, found bool, err error) {
	err = l.db.QueryRowContext(ctx, `SELECT visitor_id, channel_id FROM widget_mail_letters WHERE letter_key = $1 AND mail_channel_id = $2`,
		key, mailChannelID).Scan(&visitorID, &channelID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, fmt.Errorf("widget: letter: %w", err)
	}
	return visitorID, channelID, true, nil
}
