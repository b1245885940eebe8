package helpcentre

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// maxQueryStems bounds a query: a visitor's long message still asks with
// its first words.
const maxQueryStems = 8

// titleWeight is what a stem found in the title counts against one found
// in the text: an article named after the question comes first.
const titleWeight = 3

// Search finds articles with any of the query's words in any form: each
// word is cut to its stem and matched as the start of a stored stem (so a
// word still being typed, "взно", finds "взносы"). Articles are ranked by
// the stems found, a title's counting titleWeight times a text's, then by
// views. A visitor finds published articles; an editor drafts too.
func (s *Service) Search(ctx context.Context, sc access.Scope, q string, limit int) ([]Hit, error) {
	if utf8.RuneCountInString(q) > MaxQueryRunes {
		q = string([]rune(q)[:MaxQueryRunes])
	}
	stems := norm.QueryStems(q, maxQueryStems)
	if len(stems) == 0 {
		return []Hit{}, nil
	}
	args := []any{editor(sc), limit}
	var any, score []string
	for _, st := range stems {
		args = append(args, "% "+db.EscapeLike(st)+"%")
		n := len(args)
		any = append(any, fmt.Sprintf(`a.title_terms LIKE $%d ESCAPE '\' OR a.body_terms LIKE $%d ESCAPE '\'`, n, n))
		score = append(score, fmt.Sprintf(`(CASE WHEN a.title_terms LIKE $%d ESCAPE '\' THEN %d ELSE 0 END) + (CASE WHEN a.body_terms LIKE $%d ESCAPE '\' THEN 1 ELSE 0 END)`,
			n, titleWeight, n))
	}
	query := `SELECT a.id, a.title, c.name, a.status, a.body, a.views, ` + strings.Join(score, " + ") + ` AS score
		FROM help_articles a JOIN help_categories c ON c.id = a.category_id
		WHERE ($1 OR a.status = 'published') AND (` + strings.Join(any, " OR ") + `)
		ORDER BY score DESC, a.views DESC, a.title, a.id LIMIT $2`
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("helpcentre: search: %w", err)
	}
	defer rows.Close()
	out := []Hit{}
	for rows.Next() {
		var h Hit
		var body string
		var score int
		if err := rows.Scan(&h.ID, &h.Title, &h.Category, &h.Status, &body, &h.Views, &score); err != nil {
			return nil, fmt.Errorf("helpcentre: search: %w", err)
		}
		h.Excerpt = excerpt(plainText(body), 160)
		h.URL = s.linkIn(ctx, h.ID)
		out = append(out, h)
	}
	return out, rows.Err()
}

// Suggest is the widget's and the console's few articles for what is
// being typed: published ones only, whoever asks.
func (s *Service) Suggest(ctx context.Context, q string) ([]Hit, error) {
	return s.Search(ctx, access.Scope{}, q, SuggestLimit)
}
