package inbox

import (
	"context"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// AppealNote is what a conversation's history says of an appeal filed
// from it.
type AppealNote struct {
	ID      string
	Number  string
	Subject string
}

// NoteAppeal writes in the conversation's history that sc filed an
// appeal from it ("appeal_created", by sc's user): operators see it, and
// automation rules run on it as on any other logged event. The CRM has
// checked that sc may see the conversation.
func (a *Actions) NoteAppeal(ctx context.Context, sc access.Scope, convID string, n AppealNote) error {
	return a.write(ctx, func(tx db.Execer, w *txw) error {
		c, err := conversationTx(ctx, tx, convID)
		if err != nil {
			return err
		}
		return systemMessage(ctx, tx, w, &c, "appeal_created", map[string]any{"appeal_id": n.ID, "number": n.Number,
			"subject": n.Subject, "by": sc.UserID})
	})
}
