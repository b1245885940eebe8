package inbox

import (
	"context"

	"github.com/profhub/profhub/internal/storage/db"
)

// A crowd closing its conversations at once: as its takes
// (group_assign_pg.go), the group's closes go to one statement on
// PostgreSQL instead of one round trip each that the group waits for.

// closeWrite is a close of the conversation by user by (code names the
// system message).
type closeWrite struct {
	rowWrite
	by, code string
	spam     bool
}

// storeClosesSQL is closeStatementPG for many conversations, each once.
const storeClosesSQL = `WITH v AS (
	SELECT * FROM unnest($2::text[], $3::text[], $4::boolean[], $5::text[], $6::text[], $7::text[])
		AS v(conv, closer, spam, msg_id, msg_dir, msg_text)
), closed AS (
	UPDATE inbox_conversations c SET status = 'closed', closed_at = $1, closed_by = v.closer, spam = v.spam, unread = 0,
		updated_at = $1, last_seq = c.last_seq + 1, last_message_at = $1
	FROM v WHERE c.id = v.conv AND c.status <> 'closed'
	RETURNING c.*, v.msg_id, v.msg_dir, v.msg_text
), message AS (
	INSERT INTO inbox_messages (id, conversation_id, seq, direction, channel_id, author_id, text, attachments, status,
		created_at, updated_at, sent_at, private)
	SELECT a.msg_id, a.id, a.last_seq, a.msg_dir, a.channel_id, '', a.msg_text, '[]', '', $1, $1, 0, false FROM closed a
)
SELECT ` + convColumns + ` FROM closed c JOIN inbox_channels ch ON ch.id = c.channel_id JOIN inbox_contacts ct ON ct.id = c.contact_id`

// leadingCloses counts the closes at the head of group that one
// statement may store: each of another conversation.
func leadingCloses(group []*pendingWrite) int {
	convs := map[string]bool{}
	n := 0
	for n < len(group) && group[n].close != nil {
		if convs[group[n].close.conv.ID] {
			return 0
		}
		convs[group[n].close.conv.ID] = true
		n++
	}
	return n
}

// storeClosesPG stores the group's leading closes (leadingCloses) in one
// statement and finishes each, as storeAssignsPG does its assignments; a
// conversation closed meanwhile gets ErrClosed and writes nothing.
func storeClosesPG(ctx context.Context, tx db.Execer, group []*pendingWrite) (int, error) {
	n := leadingCloses(group)
	if n < 2 {
		return 0, nil
	}
	now := db.Now()
	conv, closer, msgID, msgDir, msgText := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	spam := make([]bool, n)
	msgs := make(map[string]Message, n)
	for i, p := range group[:n] {
		c := p.close
		m := newSystemMessagePG(c.conv.ID, c.code, map[string]any{"by": c.by}, now)
		conv[i], closer[i], spam[i], msgID[i], msgDir[i], msgText[i] = c.conv.ID, c.by, c.spam, m.ID, m.Direction, m.Text
		msgs[c.conv.ID] = m
	}
	stored, err := scanChanged(tx.QueryContext(ctx, storeClosesSQL, now, conv, closer, spam, msgID, msgDir, msgText))
	if err != nil {
		return 0, bulkFailed(err)
	}
	return finishStored(ctx, tx, group[:n], func(p *pendingWrite) *rowWrite { return &p.close.rowWrite }, stored, msgs, ErrClosed)
}
