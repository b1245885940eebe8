package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// MemberFinder looks members up by phone in a scope (the CRM's store).
type MemberFinder interface {
	MembersByPhone(ctx context.Context, sc access.Scope, phone string) ([]string, error)
}

// LinkContactByPhone is for connectors whose provider vouches for a
// sender's own phone number (a Telegram user sharing their contact
// through the bot's button). The number is recorded on the
// conversation's contact, and when exactly one member of the line's
// organisation subtree has it, the contact is linked to that member,
// with a system message saying so. Several matches link nothing: an
// operator chooses. It returns the member linked, or "".
func (a *Actions) LinkContactByPhone(ctx context.Context, convID, phone string, members MemberFinder) (string, error) {
	conv, err := conversationTx(ctx, a.db, convID)
	if err != nil {
		return "", err
	}
	line, err := a.lineByID(ctx, conv.LineID)
	if err != nil {
		return "", err
	}
	var path, linked string
	if err := a.db.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, line.UnitID).Scan(&path); err != nil {
		return "", fmt.Errorf("inbox: line unit: %w", err)
	}
	if err := a.db.QueryRowContext(ctx, `SELECT member_id FROM inbox_contacts WHERE id = $1`, conv.ContactID).Scan(&linked); err != nil {
		return "", fmt.Errorf("inbox: contact: %w", err)
	}
	sc := access.Scope{UserName: "channel " + conv.ChannelID, Role: access.Administrator, UnitID: line.UnitID, UnitPath: path, From: "channel"}
	ids, err := members.MembersByPhone(ctx, sc, phone)
	if err != nil {
		return "", err
	}
	memberID := ""
	if len(ids) == 1 && ids[0] != linked {
		memberID = ids[0]
	}
	err = a.write(ctx, func(tx db.Execer, w *txw) error {
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_contacts SET phone = $2, member_id = CASE WHEN $3 = '' THEN member_id ELSE $3 END,
			updated_at = $4 WHERE id = $1`, conv.ContactID, phone, memberID, db.Now()); err != nil {
			return fmt.Errorf("inbox: link by phone: %w", err)
		}
		if memberID == "" {
			return nil
		}
		return systemMessage(ctx, tx, w, &conv, "member_linked", map[string]any{"member_id": memberID, "by": "phone"})
	})
	if err != nil {
		return "", err
	}
	if memberID != "" {
		a.log.Info("contact linked to a member by the phone they shared", "conversation", convID, "member", memberID)
	}
	return memberID, nil
}

// OpenConversationLine returns the line of the chat's conversation on a
// channel that is not closed, if there is one: a connector that routes
// by a menu sends follow-ups to the line the member chose.
func (a *Actions) OpenConversationLine(ctx context.Context, channelID, externalChatID string) (string, bool, error) {
	var line string
	err := a.db.QueryRowContext(ctx, `SELECT line_id FROM inbox_conversations WHERE channel_id = $1 AND external_chat_id = $2
		AND status <> 'closed' AND thread_key = '' ORDER BY updated_at DESC LIMIT 1`, channelID, externalChatID).Scan(&line)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("inbox: open conversation: %w", err)
	}
	return line, true, nil
}
