package widget

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/storage/db"
)

// TranscriptLog is the store of the transcripts asked for
// (widget_transcripts): the limits read it, the history names them.
type TranscriptLog struct {
	db *db.DB
}

// Limits of transcripts: letters of one conversation an hour, and letters
// to an address the visitor typed (not their own) a day, per address and
// per visitor.
const (
	transcriptsPerHour     = 3
	typedTranscriptsPerDay = 2
)

type transcriptRow struct {
	id, channelID, convID, visitorID, address, source, closeKey string
	typed                                                       bool
}

// reserve records a letter about to be sent and checks the limits against
// the letters before it (in the order of their ids, so that of two
// requests at once only those within the limit pass). It returns
// errTranscriptLimit or errTypedLimit and forgets the row when a limit is
// reached, and ok false when a letter on this closing was taken already.
func (l *TranscriptLog) reserve(ctx context.Context, r *transcriptRow) (bool, error) {
	r.id = uuid.Must(uuid.NewV7()).String()
	now := db.Now()
	var closeKey any
	if r.closeKey != "" {
		closeKey = r.closeKey
	}
	res, err := l.db.ExecContext(ctx, `INSERT INTO widget_transcripts (id, channel_id, conversation_id, visitor_id, address, typed, source,
		close_key, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT DO NOTHING`,
		r.id, r.channelID, r.convID, r.visitorID, r.address, r.typed, r.source, closeKey, now)
	if err != nil {
		return false, fmt.Errorf("widget: transcript: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	hour, day := now-time.Hour.Milliseconds(), now-24*time.Hour.Milliseconds()
	var inHour, typedDay int
	if err := l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM widget_transcripts WHERE conversation_id = $1 AND created_at > $2 AND id <= $3`,
		r.convID, hour, r.id).Scan(&inHour); err != nil {
		return false, fmt.Errorf("widget: transcript limit: %w", err)
	}
	if r.typed {
		if err := l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM widget_transcripts WHERE typed AND (address = $1 OR visitor_id = $2)
			AND created_at > $3 AND id <= $4`, r.address, r.visitorID, day, r.id).Scan(&typedDay); err != nil {
			return false, fmt.Errorf("widget: transcript limit: %w", err)
		}
	}
	limit := error(nil)
	switch {
	case inHour > transcriptsPerHour:
		limit = errTranscriptLimit
	case typedDay > typedTranscriptsPerDay:
		limit = errTypedLimit
	}
	if limit != nil {
		if _, err := l.db.ExecContext(ctx, `DELETE FROM widget_transcripts WHERE id = $1`, r.id); err != nil {
			return false, fmt.Errorf("widget: transcript: %w", err)
		}
		return false, limit
	}
	return true, nil
}

// done records how the letter went.
func (l *TranscriptLog) done(ctx context.Context, id string, sendErr error) {
	status, reason := "sent", ""
	if sendErr != nil {
		status, reason = "failed", sendErr.Error()
	}
	_, _ = l.db.ExecContext(context.WithoutCancel(ctx), `UPDATE widget_transcripts SET status = $2, error = $3 WHERE id = $1`, id, status, reason)
}
