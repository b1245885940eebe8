package inbox

import (
	"context"
	"fmt"
	"strings"
)

// A filter that leaves few conversations (an operator's, the active
// ones, one contact's) is answered on SQLite from those conversations'
// documents, each checked against FTS5 by its rowid, instead of walking
// FTS5's matches of the words in time order and joining each to its
// conversation: for a common word among twenty active conversations the
// walk read every match of the word (p95 1 s at 1,000,000 messages).
// PostgreSQL keeps the filters as lexemes of the document (search_pg.go)
// and needs none of this.

// withinLimit is how many conversations a filter may leave for the
// search to go through their documents; more, and the walk of the
// matches is the better plan.
const withinLimit = 300

// selective reports whether f narrows the conversations enough to be
// worth counting first: a bare line, channel kind or status "open" or
// "closed" leaves most of them.
func selective(f ConversationFilter) bool {
	return f.Status == StatusActive || f.Status == StatusWaiting || f.OperatorID != "" || f.Mine || f.ContactID != ""
}

// conversationsWithin lists the conversations the list's conditions
// leave, or ok false when there are more than withinLimit.
func (cv *Conversations) conversationsWithin(ctx context.Context, where []string, args []any) (ids []string, ok bool, err error) {
	rows, err := cv.db.QueryContext(ctx, `SELECT c.id FROM inbox_conversations c
		JOIN inbox_channels ch ON ch.id = c.channel_id
		JOIN inbox_contacts ct ON ct.id = c.contact_id
		JOIN units u ON u.id = c.unit_id
		WHERE `+strings.Join(where, " AND ")+fmt.Sprintf(` LIMIT %d`, withinLimit+1), args...)
	if err != nil {
		return nil, false, fmt.Errorf("inbox: search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, false, fmt.Errorf("inbox: search: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("inbox: search: %w", err)
	}
	return ids, len(ids) <= withinLimit, nil
}

// searchSQLiteWithin is searchSQLite for the documents of the given
// conversations: the same page of hits with ids in [lo, hi), newest
// first, or the best ranked for relevance. Each document is checked
// against FTS5 by its rowid, which FTS5 answers by seeking, not walking.
func searchSQLiteWithin(convIDs []string, stems []string, sort string, lo, hi int64, page int) (string, []any) {
	args := make([]any, 0, len(convIDs)+4)
	for _, id := range convIDs {
		args = append(args, id)
	}
	args = append(args, ftsQuery(stems))
	match := len(args)
	in := `d.conversation_id IN (` + placeholders(1, len(convIDs)) + `)`
	if lo > 0 {
		args = append(args, lo)
		in += fmt.Sprintf(` AND d.id >= $%d`, len(args))
	}
	if hi > 0 {
		args = append(args, hi)
		in += fmt.Sprintf(` AND d.id < $%d`, len(args))
	}
	args = append(args, page)
	if sort == SortRelevance {
		// FTS5's rank, smaller for better matches; none without the words.
		return fmt.Sprintf(`SELECT id, conversation_id, message_id, 1 FROM (
			SELECT d.id, d.conversation_id, d.message_id,
				(SELECT s.rank FROM inbox_search s WHERE inbox_search MATCH $%d AND s.rowid = d.id) AS rank
			FROM inbox_search_docs d WHERE %s) m
			WHERE m.rank IS NOT NULL ORDER BY m.rank, m.id DESC LIMIT $%d`, match, in, len(args)), args
	}
	return fmt.Sprintf(`SELECT d.id, d.conversation_id, d.message_id, 1 FROM inbox_search_docs d
		WHERE %s AND EXISTS (SELECT 1 FROM inbox_search s WHERE inbox_search MATCH $%d AND s.rowid = d.id)
		ORDER BY d.id DESC LIMIT $%d`, in, match, len(args)), args
}
