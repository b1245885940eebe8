package inbox

import (
	"context"
	"fmt"
	"strings"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Orders of a search's results.
const (
	SortRecent    = "recent"    // the conversations of the newest matching messages first
	SortRelevance = "relevance" // the best matching messages first
)

// maxSearchText bounds what is read of a query.
const maxSearchText = 500

// rankedMatches is how many of the newest matches a relevance search
// ranks: ranking every match of a word that half the messages hold takes
// seconds, and the best of the latest thousands is what a person looks for.
const rankedMatches = 2000

// searchHit is a matching message, found in the index.
type searchHit struct {
	id             int64
	conversationID string
	messageID      string
}

// search lists the conversations the caller may see that have a message
// with every word of f.Text (in any of its forms), each with a snippet of
// its best or newest matching message. The list filters apply as in List;
// From and To bound the message's time.
func (cv *Conversations) search(ctx context.Context, sc access.Scope, f ConversationFilter) ([]Conversation, error) {
	switch f.Sort {
	case "", SortRecent, SortRelevance:
	default:
		return nil, valid.Errorf("sort", "sort", "sort must be recent or relevance")
	}
	text := f.Text
	if len(text) > maxSearchText {
		text = text[:maxSearchText]
	}
	stems := queryStems(text)
	if len(stems) == 0 {
		return []Conversation{}, nil // only stop words or punctuation: nothing to look for
	}
	// The dates bound the index's ids (see searchDoc), so the index itself
	// starts at the end of the period instead of walking back to it.
	lo, hi := f.From*docIDsPerMs, f.To*docIDsPerMs
	f.From, f.To = 0, 0
	where, args, err := listConditions(sc, f, "")
	if err != nil {
		return nil, err
	}
	if where, args, err = cv.customCondition(ctx, f, where, args); err != nil {
		return nil, err
	}
	hits, err := cv.searchHits(ctx, sc, stems, text, f, where, args, lo, hi)
	if err != nil {
		return nil, err
	}
	return cv.searchResults(ctx, hits, stems)
}

// searchHits reads matching messages page by page, keeping the first of
// each conversation that passes the list's conditions, until f.Limit
// conversations are found. Recent order is the index's own row order,
// which is the messages' time order (see searchDoc), so the database
// stops after the rows it needs instead of sorting every match; a
// relevance search ranks the newest matches, in one page.
func (cv *Conversations) searchHits(ctx context.Context, sc access.Scope, stems []string, text string, f ConversationFilter, where []string, args []any, lo, hi int64) ([]searchHit, error) {
	// PostgreSQL's pages are of the index's matches, before the
	// conversation's check, and a walk of the primary key reads rows in
	// proportion to the page: start with what an uncommon word needs
	// (most conversations have one match) and grow if it was not enough.
	page := min(f.Limit*4, 1000)
	if cv.db.Dialect == db.Postgres {
		page = min(f.Limit*3/2+1, 1000)
	}
	var within []string // SQLite: the few conversations a rare filter leaves (search_within.go)
	if cv.db.Dialect != db.Postgres && selective(f) {
		ids, few, err := cv.conversationsWithin(ctx, where, args)
		if err != nil {
			return nil, err
		}
		if few && len(ids) == 0 {
			return nil, nil
		}
		if few {
			within = ids
		}
	}
	seen := map[string]bool{}
	var hits []searchHit
	for {
		var q string
		var qargs []any
		if cv.db.Dialect == db.Postgres {
			q, qargs = searchSQLPG(sc, f, text, where, append([]any{}, args...), lo, hi, page)
		} else if within != nil {
			q, qargs = searchSQLiteWithin(within, stems, f.Sort, lo, hi, page)
		} else {
			q, qargs = searchSQLite(stems, f.Sort, where, args, lo, hi, page)
		}
		rows, err := cv.db.QueryContext(ctx, q, qargs...)
		if err != nil {
			return nil, fmt.Errorf("inbox: search: %w", err)
		}
		n := 0
		for rows.Next() {
			var h searchHit
			var ok bool
			if err := rows.Scan(&h.id, &h.conversationID, &h.messageID, &ok); err != nil {
				rows.Close()
				return nil, fmt.Errorf("inbox: search: %w", err)
			}
			n, hi = n+1, h.id
			if ok && !seen[h.conversationID] && len(hits) < f.Limit {
				seen[h.conversationID] = true
				hits = append(hits, h)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("inbox: search: %w", err)
		}
		if n < page || len(hits) >= f.Limit || f.Sort == SortRelevance {
			return hits, nil
		}
		page = min(page*2, 1000)
	}
}

// searchSQLite is the query of one page of hits with ids in [lo, hi) (0:
// no bound) on SQLite: FTS5's match, the list's conditions and the hits'
// order (FTS5 walks its doclist in rowid order and stops at the page, so
// it needs no filters kept beside the words). A relevance search ranks
// the newest rankedMatches. Every row it returns passes the conditions.
func searchSQLite(stems []string, sort string, where []string, args []any, lo, hi int64, page int) (string, []any) {
	args = append([]any{}, args...)
	args = append(args, ftsQuery(stems))
	match := fmt.Sprintf(`SELECT s.rowid AS id, d.conversation_id, d.message_id, s.rank
		FROM inbox_search s JOIN inbox_search_docs d ON d.id = s.rowid WHERE inbox_search MATCH $%d`, len(args))
	if lo > 0 {
		args = append(args, lo)
		match += fmt.Sprintf(` AND s.rowid >= $%d`, len(args)) // rowid bounds are FTS5's own
	}
	if hi > 0 {
		args = append(args, hi)
		match += fmt.Sprintf(` AND s.rowid < $%d`, len(args))
	}
	order := `m.id DESC`
	if sort == SortRelevance {
		args = append(args, rankedMatches)
		match += fmt.Sprintf(` ORDER BY s.rowid DESC LIMIT $%d`, len(args))
		order = `m.rank, m.id DESC` // FTS5's rank is smaller for better matches
	}
	args = append(args, page)
	return `SELECT m.id, m.conversation_id, m.message_id, 1 FROM (` + match + `) m
		JOIN inbox_conversations c ON c.id = m.conversation_id
		JOIN inbox_channels ch ON ch.id = c.channel_id
		JOIN inbox_contacts ct ON ct.id = c.contact_id
		JOIN units u ON u.id = c.unit_id
		WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + order + fmt.Sprintf(` LIMIT $%d`, len(args)), args
}

// searchResults reads the hits' conversations and messages, in the hits'
// order, each with its snippet.
func (cv *Conversations) searchResults(ctx context.Context, hits []searchHit, stems []string) ([]Conversation, error) {
	out := []Conversation{}
	if len(hits) == 0 {
		return out, nil
	}
	convIDs, msgIDs := make([]any, len(hits)), make([]any, len(hits))
	for i, h := range hits {
		convIDs[i], msgIDs[i] = h.conversationID, h.messageID
	}
	convs := map[string]Conversation{}
	rows, err := cv.db.QueryContext(ctx, `SELECT `+convColumns+convFrom+` WHERE c.id IN (`+placeholders(1, len(hits))+`)`, convIDs...)
	if err != nil {
		return nil, fmt.Errorf("inbox: search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, fmt.Errorf("inbox: search: %w", err)
		}
		convs[c.ID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inbox: search: %w", err)
	}
	rows.Close()
	snippets := map[string]*Snippet{}
	rows, err = cv.db.QueryContext(ctx, `SELECT id, direction, text, created_at FROM inbox_messages WHERE id IN (`+placeholders(1, len(hits))+`)`, msgIDs...)
	if err != nil {
		return nil, fmt.Errorf("inbox: search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s Snippet
		var text string
		if err := rows.Scan(&s.MessageID, &s.Direction, &text, &s.At); err != nil {
			return nil, fmt.Errorf("inbox: search: %w", err)
		}
		s.Parts = highlight(text, stems)
		snippets[s.MessageID] = &s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inbox: search: %w", err)
	}
	for _, h := range hits {
		c, ok := convs[h.conversationID]
		if !ok {
			continue
		}
		c.Match = snippets[h.messageID]
		out = append(out, c)
	}
	return out, nil
}

// placeholders is "$first, …" for n arguments.
func placeholders(first, n int) string {
	var sb strings.Builder
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "$%d", first+i)
	}
	return sb.String()
}
