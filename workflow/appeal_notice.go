package workflow

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// The CRM's appeal deadline notices use the documents' notification list
// (one list for a person to read) and the documents' rule for who is the
// head of a unit. The CRM calls these inside its own transaction, so a
// notice and the mark that it was sent commit together; *Store satisfies
// crm.AppealNotifier.

// NotifyAppeal adds a notice about an appeal to a person's list.
func (s *Store) NotifyAppeal(ctx context.Context, tx db.Execer, userID, appealID, kind, text string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO wf_notifications (id, user_id, document_id, appeal_id, kind, text, at)
		VALUES ($1, $2, NULL, $3, $4, $5, $6)`, newID(), userID, appealID, kind, text, s.nowMillis())
	if err != nil {
		return fmt.Errorf("workflow: appeal notice: %w", err)
	}
	return nil
}

// UnitHeads returns the chairmen nearest above (or at) a unit, as a late
// task is escalated; none is not an error.
func (s *Store) UnitHeads(ctx context.Context, tx db.Execer, unitID string) ([]string, error) {
	doc := Document{DocumentInput: DocumentInput{UnitID: unitID}}
	ids, err := s.actorUsers(ctx, tx, Actor{Role: access.Chairman}, &doc, nil)
	if err != nil {
		if ve, ok := valid.As(err); ok && ve.Code == "no_actor" {
			return nil, nil
		}
		return nil, err
	}
	return ids, nil
}
