package inbox

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/storage/db"
)

// ErrNotClosed refuses a rating of a conversation that is still open.
var ErrNotClosed = valid.Refuse(db.ErrConflict, "not_closed", "the conversation is not closed yet")

// RateConversation records the contact's rating (1 to 5) and comment of a
// closed conversation; a second rating replaces the first. It is unscoped:
// the channel (the site widget) has authenticated the contact, and must
// only pass conversations of that contact.
func (a *Actions) RateConversation(ctx context.Context, convID string, rating int, comment string) (Conversation, error) {
	comment = strings.TrimSpace(comment)
	switch {
	case rating < 1 || rating > 5:
		return Conversation{}, valid.Errorf("rating", "range", "rating must be 1 to 5")
	case !utf8.ValidString(comment):
		return Conversation{}, valid.Errorf("comment", "utf8", "comment must be valid UTF-8")
	case utf8.RuneCountInString(comment) > 2000:
		return Conversation{}, valid.Errorf("comment", "too_long", "comment is limited to 2000 characters")
	}
	var conv Conversation
	err := a.write(ctx, func(tx db.Execer, w *txw) error {
		var err error
		if conv, err = conversationTx(ctx, tx, convID); err != nil {
			return err
		}
		if conv.Status != StatusClosed {
			return ErrNotClosed
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET rating = $2, rating_comment = $3, updated_at = $4 WHERE id = $1`,
			convID, rating, comment, db.Now()); err != nil {
			return fmt.Errorf("inbox: rating: %w", err)
		}
		conv.Rating = rating
		w.add(convEvent(EvConversation, conv))
		return nil
	})
	return conv, err
}
