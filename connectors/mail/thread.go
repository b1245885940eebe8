package mail

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
)

var subjectToken = regexp.MustCompile(`\[#([0-9a-f]{10})\]`)

// thread finds the conversation a letter answers: by In-Reply-To and
// References (our Message-IDs carry the conversation; the member's own
// earlier letters are on record too), else by the [#token] in the subject,
// which survives clients that rewrite the headers. It returns the
// conversation and the address it was with, or "" when the letter answers
// nothing of ours. Only ids on record count, so a forged header finds
// nothing.
func (c *Connector) thread(ctx context.Context, channelID string, l *letter) (conv, address string, err error) {
	ids := append(append([]string{}, l.inReplyTo...), l.references...)
	for i := len(ids) - 1; i >= 0; i-- { // the nearest reference first
		err := c.db.QueryRowContext(ctx, `SELECT conversation_id, address FROM mail_letters WHERE channel_id = $1 AND message_id = $2`,
			channelID, ids[i]).Scan(&conv, &address)
		if err == nil {
			return conv, address, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", "", err
		}
	}
	if m := subjectToken.FindStringSubmatch(l.subject); m != nil {
		err := c.db.QueryRowContext(ctx, `SELECT conversation_id, address FROM mail_letters WHERE channel_id = $1 AND direction = 'out'
			AND conversation_id LIKE $2 ORDER BY created_at DESC LIMIT 1`, channelID, "%"+m[1]).Scan(&conv, &address)
		if err == nil || errors.Is(err, sql.ErrNoRows) {
			return conv, address, nil
		}
		return "", "", err
	}
	return "", "", nil
}
