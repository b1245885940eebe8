package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/profhub/profhub/internal/storage/db"
)

// folderState is how far a folder has been read.
type folderState struct {
	uidValidity uint32
	lastUID     uint32
}

func (c *Connector) loadFolder(ctx context.Context, channelID, folder string) (folderState, bool, error) {
	var s folderState
	var v, u int64
	err := c.db.QueryRowContext(ctx, `SELECT uid_validity, last_uid FROM mail_folders WHERE channel_id = $1 AND folder = $2`,
		channelID, folder).Scan(&v, &u)
	if errors.Is(err, sql.ErrNoRows) {
		return s, false, nil
	}
	if err != nil {
		return s, false, fmt.Errorf("mail: folder state: %w", err)
	}
	s.uidValidity, s.lastUID = uint32(v), uint32(u)
	return s, true, nil
}

func (c *Connector) saveFolder(ctx context.Context, channelID, folder string, s folderState) error {
	_, err := c.db.ExecContext(ctx, `INSERT INTO mail_folders (channel_id, folder, uid_validity, last_uid, updated_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (channel_id, folder) DO UPDATE SET uid_validity = $3, last_uid = $4, updated_at = $5`,
		channelID, folder, int64(s.uidValidity), int64(s.lastUID), db.Now())
	if err != nil {
		return fmt.Errorf("mail: folder state: %w", err)
	}
	return nil
}

// storedLetter is a letter of a mailbox, by Message-ID.
type storedLetter struct {
	messageID, direction, conversationID, address, subject string
	rawKey                                                 string // sent letters: the raw copy in the blob store
	// refs is the letter's own References (or its single In-Reply-To),
	// which a reply to it carries on.
	refs []string
	auto bool // an automatic reply: never the letter a reply answers
}

func (c *Connector) recordLetter(ctx context.Context, channelID string, l storedLetter) error {
	_, err := c.db.ExecContext(ctx, `INSERT INTO mail_letters (channel_id, message_id, direction, conversation_id, address, subject,
		raw_key, created_at, refs, auto) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
		channelID, l.messageID, l.direction, l.conversationID, l.address, l.subject, l.rawKey, db.Now(), strings.Join(trimRefs(l.refs), " "), l.auto)
	if err != nil {
		return fmt.Errorf("mail: record letter: %w", err)
	}
	return nil
}

// lastInbound is the member's latest letter in a conversation, which a
// reply answers. A member's automatic reply (a vacation notice) is never
// that letter: the reply answers the latest one the member wrote; when
// there is none, it keeps the auto-reply's subject but answers no id.
func (c *Connector) lastInbound(ctx context.Context, channelID, convID string) (storedLetter, bool, error) {
	l := storedLetter{direction: "in", conversationID: convID}
	var refs string
	err := c.db.QueryRowContext(ctx, `SELECT message_id, address, subject, refs, auto FROM mail_letters WHERE channel_id = $1
		AND conversation_id = $2 AND direction = 'in' ORDER BY auto, created_at DESC LIMIT 1`, channelID, convID).Scan(
		&l.messageID, &l.address, &l.subject, &refs, &l.auto)
	if errors.Is(err, sql.ErrNoRows) {
		return l, false, nil
	}
	if err != nil {
		return l, false, fmt.Errorf("mail: last letter: %w", err)
	}
	l.refs = strings.Fields(refs)
	if l.auto {
		l.messageID, l.refs = "", nil
	}
	return l, true, nil
}

// sentBefore reports whether the letter with this Message-ID already went
// out (a retry after a crash between sending and recording).
func (c *Connector) sentBefore(ctx context.Context, channelID, messageID string) (bool, error) {
	var n int
	err := c.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM mail_letters WHERE channel_id = $1 AND message_id = $2 AND direction = 'out'`,
		channelID, messageID).Scan(&n)
	return n > 0, err
}

// knownCorrespondent reports whether the mailbox has written to address,
// so an automatic reply from it belongs to a conversation.
func (c *Connector) knownCorrespondent(ctx context.Context, channelID, address string) bool {
	var n int
	_ = c.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM mail_letters WHERE channel_id = $1 AND address = $2 AND direction = 'out'`,
		channelID, address).Scan(&n)
	return n > 0
}

// markBounced records a bounce on the outgoing letters it refers to and
// returns the conversations they belong to.
func (c *Connector) markBounced(ctx context.Context, channelID string, messageIDs []string, reason string) ([]string, error) {
	var convs []string
	for _, id := range messageIDs {
		var conv string
		err := c.db.QueryRowContext(ctx, `UPDATE mail_letters SET bounce = $3 WHERE channel_id = $1 AND message_id = $2 AND direction = 'out'
			RETURNING conversation_id`, channelID, id, reason).Scan(&conv)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("mail: bounce: %w", err)
		}
		convs = append(convs, conv)
		// Our Message-IDs carry the inbox message id: out.<message>.<conversation>@host.
		if rest, ok := strings.CutPrefix(id, "out."); ok {
			if msg, _, ok := strings.Cut(rest, "."); ok {
				if err := c.inbox.ReportDeliveryFailure(ctx, channelID, msg, "bounced: "+reason); err != nil {
					c.log.Warn("bounce: delivery state not updated", "message", msg, "err", err)
				}
			}
		}
	}
	return convs, nil
}
