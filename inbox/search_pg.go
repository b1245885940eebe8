package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/profhub/profhub/internal/security/access"
)

// PostgreSQL keeps a conversation's line, channel kind, assignee and
// status as lexemes of each document's tsvector (migration 00035): the
// GIN index then intersects the words with the list's filters, so a
// search for an uncommon word in one operator's conversations reads the
// few rows that match both instead of walking every match of the word
// and joining it to its conversation. The lexemes start with '@', which
// the russian parser never puts first. They follow the conversation a
// moment behind, like the words follow the messages: the search checks
// every hit against the conversation itself, so a stale lexeme can hide
// a hit for that moment but never show a wrong one.

// searchAttrsPG is the filter lexemes of a conversation row c joined with
// its channel ch, as a tsvector.
const searchAttrsPG = `array_to_tsvector(ARRAY['@l:' || c.line_id, '@k:' || ch.kind, '@o:' || c.assignee_id, '@s:' || c.status])`

func insertSearchDocsPG(ctx context.Context, tx *sql.Tx, docs []searchDoc, texts []string) error {
	if len(docs) == 0 {
		return nil
	}
	mid, conv, at := make([]string, len(docs)), make([]string, len(docs)), make([]int64, len(docs))
	for i, d := range docs {
		mid[i], conv[i], at[i] = d.messageID, d.conversationID, d.createdAt
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO inbox_search_docs (id, message_id, conversation_id, created_at, line_id, assignee_id, status, terms)
		SELECT d.t * 1000000 + row_number() OVER (PARTITION BY d.t ORDER BY d.o) - 1 + COALESCE((SELECT MAX(x.id) + 1 - d.t * 1000000
			FROM inbox_search_docs x WHERE x.id >= d.t * 1000000 AND x.id < (d.t + 1) * 1000000), 0),
			d.m, d.c, d.t, c.line_id, c.assignee_id, c.status, to_tsvector('russian', d.x) || `+searchAttrsPG+`
		FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) WITH ORDINALITY AS d(m, c, t, x, o)
		JOIN inbox_conversations c ON c.id = d.c JOIN inbox_channels ch ON ch.id = c.channel_id
		ON CONFLICT (message_id) DO NOTHING`, mid, conv, at, texts)
	if err != nil {
		return fmt.Errorf("inbox: search index: %w", err)
	}
	return nil
}

// refreshSearchFiltersPG replaces the filter lexemes of the documents of
// these conversations whose line, assignee or status changed. A channel
// never changes its kind.
func refreshSearchFiltersPG(ctx context.Context, tx *sql.Tx, convIDs []string) error {
	if len(convIDs) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE inbox_search_docs d SET line_id = c.line_id, assignee_id = c.assignee_id, status = c.status,
			terms = ts_delete(d.terms, ARRAY['@l:' || d.line_id, '@o:' || d.assignee_id, '@s:' || d.status])
				|| array_to_tsvector(ARRAY['@l:' || c.line_id, '@o:' || c.assignee_id, '@s:' || c.status])
		FROM inbox_conversations c
		WHERE c.id = ANY($1::text[]) AND d.conversation_id = c.id
			AND (d.line_id <> c.line_id OR d.assignee_id <> c.assignee_id OR d.status <> c.status)`, convIDs)
	if err != nil {
		return fmt.Errorf("inbox: search filters: %w", err)
	}
	return nil
}

// searchFilterQueryPG is the tsquery of the filter lexemes that f asks
// for ("" when none); listConditions still checks them on the
// conversation.
func searchFilterQueryPG(sc access.Scope, f ConversationFilter) string {
	var parts []string
	lex := func(prefix, v string) string {
		return `'` + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(prefix+v) + `'`
	}
	switch f.Status {
	case "":
	case "open":
		parts = append(parts, "!"+lex("@s:", StatusClosed))
	default:
		parts = append(parts, lex("@s:", f.Status))
	}
	if f.LineID != "" {
		parts = append(parts, lex("@l:", f.LineID))
	}
	if f.ChannelKind != "" {
		parts = append(parts, lex("@k:", f.ChannelKind))
	}
	if f.Mine {
		parts = append(parts, lex("@o:", sc.UserID))
	}
	if f.Unassigned {
		parts = append(parts, lex("@o:", ""))
	}
	if f.OperatorID != "" {
		parts = append(parts, lex("@o:", f.OperatorID))
	}
	return strings.Join(parts, " & ")
}

// searchSQLPG is searchSQL on PostgreSQL: the index gives a page of
// matches of the words and the filter lexemes, newest first (or the
// newest rankedMatches, ranked), and each is checked against its
// conversation (the scope, the filters that have no lexeme, a lexeme that
// is behind); the fourth column says whether it passed, so that the page
// is counted, and the next one starts, where the index's page ended.
func searchSQLPG(sc access.Scope, f ConversationFilter, text string, where []string, args []any, lo, hi int64, page int) (string, []any) {
	args = append(args, foldYo.Replace(text))
	q := fmt.Sprintf(`plainto_tsquery('russian', $%d)`, len(args))
	match := q
	if fq := searchFilterQueryPG(sc, f); fq != "" {
		args = append(args, fq)
		match = fmt.Sprintf(`(%s && $%d::tsquery)`, q, len(args))
	}
	rank := `0` // ranked only when asked: ts_rank reads every position of the row
	if f.Sort == SortRelevance {
		rank = `ts_rank(terms, ` + q + `)`
	}
	inner := fmt.Sprintf(`SELECT id, conversation_id, message_id, %s AS rank FROM inbox_search_docs WHERE terms @@ %s`, rank, match)
	if lo > 0 {
		args = append(args, lo)
		inner += fmt.Sprintf(` AND id >= $%d`, len(args))
	}
	if hi > 0 {
		args = append(args, hi)
		inner += fmt.Sprintf(` AND id < $%d`, len(args))
	}
	limit, order := page, `m.id DESC`
	if f.Sort == SortRelevance {
		limit, order = rankedMatches, `ok DESC, m.rank DESC, m.id DESC`
	}
	args = append(args, limit)
	inner += fmt.Sprintf(` ORDER BY id DESC LIMIT $%d`, len(args))
	out := `SELECT m.id, m.conversation_id, m.message_id, COALESCE((` + strings.Join(where, " AND ") + `), FALSE) AS ok FROM (` + inner + `) m
		LEFT JOIN inbox_conversations c ON c.id = m.conversation_id
		LEFT JOIN inbox_channels ch ON ch.id = c.channel_id
		LEFT JOIN inbox_contacts ct ON ct.id = c.contact_id
		LEFT JOIN units u ON u.id = c.unit_id
		ORDER BY ` + order
	if f.Sort == SortRelevance {
		args = append(args, page)
		out += fmt.Sprintf(` LIMIT $%d`, len(args))
	}
	return out, args
}
