package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// searchWords are the folded words of a name search, at most five.
func searchWords(text string) []string {
	words := strings.Fields(norm.Fold(text))
	return words[:min(len(words), 5)]
}

// isNameSearch tells a search by words of the name from one by e-mail,
// phone or card number (see searchCondition).
func isNameSearch(text string) bool {
	return text != "" && !strings.Contains(text, "@") && !strings.ContainsAny(text, "0123456789")
}

// wordCount counts the members a search by one name word selects, when f
// has no other condition than the organisation: from the words' index and
// the units alone (each word row carries its member's unit), without
// reading a member row. ok is false for any other filter. Counted through
// the members instead, PostgreSQL joined every member of the scope to the
// words: 150 ms for a common surname at 254,000 members.
func wordCount(ctx context.Context, q *db.DB, sc access.Scope, f MemberFilter) (n int, ok bool, err error) {
	w, lo, hi, ok, err := wordRange(ctx, q, sc, f)
	if !ok || err != nil {
		return 0, false, err
	}
	// DISTINCT: a surname and a patronymic may begin alike.
	err = q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT w.member_id) FROM crm_member_words w JOIN units u ON u.id = w.unit_id
		WHERE w.word >= $1 AND w.word < $2 AND u.path >= $3 AND u.path < $4
		  AND w.member_id NOT IN (SELECT member_id FROM crm_member_archive)`, customPlans(q, []any{w, w + "\uffff", lo, hi})...).Scan(&n)
	if err != nil {
		return 0, false, fmt.Errorf("crm: count members: %w", err)
	}
	return n, true, nil
}

// wordRange is the one word of a search that wordCount can count, and
// the path range of the units it is counted in; ok is false when f has
// any other condition than the organisation.
func wordRange(ctx context.Context, q *db.DB, sc access.Scope, f MemberFilter) (w, lo, hi string, ok bool, err error) {
	text := strings.TrimSpace(f.Query)
	rest := f
	rest.Query, rest.UnitID, rest.Sort, rest.Limit, rest.Offset, rest.After = "", "", "", 0, 0, ""
	// Several words are counted on the lead word's cards (searchCondition):
	// intersecting each word's rows read every name with a given name that
	// begins like a two-letter word.
	if !isNameSearch(text) || len(searchWords(text)) != 1 || rest != (MemberFilter{}) {
		return "", "", "", false, nil
	}
	lo, hi = sc.PathRange()
	if f.UnitID != "" {
		var path string
		err := q.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1 AND path >= $2 AND path < $3`, f.UnitID, lo, hi).Scan(&path)
		if errors.Is(err, sql.ErrNoRows) {
			return "", "", "", false, fmt.Errorf("crm: unit %s: %w", f.UnitID, db.ErrNotFound)
		}
		if err != nil {
			return "", "", "", false, fmt.Errorf("crm: unit: %w", err)
		}
		lo, hi = access.SubtreeRange(path)
	}
	return searchWords(text)[0], lo, hi, true, nil
}

// wordIDs finds, on PostgreSQL, the members a one-word search selects
// (the cases wordCount counts) in one query, from the words' index and
// the units alone: their number is the page's total and their ids name
// the page's candidates (wordMatches). A common surname that also
// begins patronymics («михайлов»: 10,300 word rows) took three queries
// over those rows before: the ids, the count, the page. The rows are
// deduplicated here rather than by the server (a surname and a
// patronymic may begin alike), which hashed them. ok is false when the
// search is not of that kind or selects more than maxWordMatches.
func wordIDs(ctx context.Context, q *db.DB, sc access.Scope, f MemberFilter) (ids []string, ok bool, err error) {
	if q.Dialect != db.Postgres {
		return nil, false, nil
	}
	w, lo, hi, ok, err := wordRange(ctx, q, sc, f)
	if !ok || err != nil {
		return nil, false, err
	}
	// A member has at most a few words beginning alike: three times the
	// cap in rows is more than the cap in members.
	rows, err := lookupIDs(ctx, q, fmt.Sprintf(`SELECT w.member_id FROM crm_member_words w JOIN units u ON u.id = w.unit_id
		WHERE w.word >= $1 AND w.word < $2 AND u.path >= $3 AND u.path < $4
		  AND w.member_id NOT IN (SELECT member_id FROM crm_member_archive) LIMIT %d`, 3*maxWordMatches+1),
		customPlans(q, []any{w, w + "\uffff", lo, hi})...)
	if err != nil || len(rows) > 3*maxWordMatches {
		return nil, false, err
	}
	ids = dedupe(rows)
	if len(ids) > maxWordMatches {
		return nil, false, nil
	}
	return ids, true, nil
}
