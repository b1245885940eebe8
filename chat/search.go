package chat

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"

	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Hit is a found message with its chat's name.
type Hit struct {
	Message
	ChatTitle string `json:"chat_title"`
}

// maxTerms bounds a query's words.
const maxTerms = 6

// Search finds messages of the caller's chats (of one chat, when chatID is
// given) containing every word of q in any of its forms: each word is cut
// to its stem ("договору" → "договор") and looked for in the folded text,
// so "договор", "договора" and "договором" all match. Deleted messages
// are not found. Chat history is small beside the inbox's, so a LIKE per
// stem over the caller's chats serves without an index of its own.
func (s *Service) Search(ctx context.Context, sc access.Scope, q, chatID string) ([]Hit, error) {
	stems := queryStems(q)
	if len(stems) == 0 {
		return []Hit{}, nil
	}
	if chatID != "" {
		if _, err := s.open(ctx, sc, chatID); err != nil {
			return nil, err
		}
	}
	where := []string{`m.deleted_at = 0`, `m.chat_id IN (SELECT chat_id FROM chat_members WHERE user_id = $1)`, `($2 = '' OR m.chat_id = $2)`}
	args := []any{sc.UserID, chatID}
	for _, st := range stems {
		args = append(args, "%"+db.EscapeLike(st)+"%")
		where = append(where, fmt.Sprintf(`m.search_text LIKE $%d ESCAPE '\'`, len(args)))
	}
	rows, err := s.db.QueryContext(ctx, messageSelect+`WHERE `+strings.Join(where, " AND ")+` ORDER BY m.created_at DESC, m.id LIMIT 50`, args...)
	if err != nil {
		return nil, fmt.Errorf("chat: search: %w", err)
	}
	var raw []row
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("chat: search: %w", err)
		}
		raw = append(raw, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	titles := map[string]string{}
	out := []Hit{}
	for _, m := range raw {
		t, ok := titles[m.ChatID]
		if !ok {
			if c, err := s.Get(ctx, sc, m.ChatID); err == nil {
				t = c.Title
			}
			titles[m.ChatID] = t
		}
		out = append(out, Hit{Message: s.render(ctx, sc, m), ChatTitle: t})
	}
	return out, nil
}

// queryStems are the distinct stems of the query's words (stop words
// left out), folded as search_text is.
func queryStems(q string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(norm.Fold(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		st := stem(w)
		if st == "" || len(out) == maxTerms {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || o == st
		}
		if !dup {
			out = append(out, st)
		}
	}
	return out
}

// stem is a word's stem as the inbox's search cuts it, or "" for a stop
// word.
func stem(w string) string {
	for _, r := range w {
		if unicode.Is(unicode.Cyrillic, r) {
			if russian.IsStopWord(w) {
				return ""
			}
			return russian.Stem(w, true)
		}
	}
	if english.IsStopWord(w) {
		return ""
	}
	return english.Stem(w, true)
}
