package inbox

import (
	"strings"

	"github.com/profhub/profhub/internal/norm"
)

// Search terms are word stems, so that "взносы" finds "взносов" (made by
// internal/norm, shared with the help centre); the highlighter uses them
// on both engines.

// maxSearchTerms bounds a query: a pasted paragraph is not a search.
const maxSearchTerms = 8

// searchWords splits text into lower-case words with their byte offsets.
func searchWords(text string) (words []string, spans [][2]int) { return norm.Words(text) }

// stem is a word's search term, or "" for a stop word.
func stem(word string) string { return norm.Stem(word) }

// searchTerms is the space-separated stems of text, as SQLite indexes
// them.
func searchTerms(text string) string { return norm.Terms(text) }

// queryStems is the distinct stems of a query, at most maxSearchTerms.
func queryStems(q string) []string { return norm.QueryStems(q, maxSearchTerms) }

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ftsQuery is an FTS5 query that needs every stem: each stem is quoted,
// so no word of the user's is read as FTS5 syntax.
func ftsQuery(stems []string) string {
	quoted := make([]string, len(stems))
	for i, s := range stems {
		quoted[i] = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return strings.Join(quoted, " AND ")
}

// Snippet is the part of a message around its first matching word, with
// the matching words marked: Parts alternate plain and matched text,
// starting with plain, so a client renders it without parsing markup.
type Snippet struct {
	MessageID string   `json:"message_id"`
	Direction string   `json:"direction"`
	At        int64    `json:"at"`
	Parts     []string `json:"parts"`
}

// snippetRadius is how many words of context a snippet keeps on each
// side of its first match.
const snippetRadius = 8

// highlight cuts text around the first word whose stem is among stems and
// marks every matching word in the cut.
func highlight(text string, stems []string) []string {
	words, spans := searchWords(text)
	first := -1
	hit := make([]bool, len(words))
	for i, w := range words {
		if s := stem(w); s != "" && containsString(stems, s) {
			hit[i] = true
			if first < 0 {
				first = i
			}
		}
	}
	if len(words) == 0 {
		return []string{text}
	}
	if first < 0 {
		first = 0
	}
	lo, hi := max(0, first-snippetRadius), min(len(words)-1, first+snippetRadius)
	from, to := spans[lo][0], spans[hi][1]
	if lo == 0 {
		from = 0
	}
	if hi == len(words)-1 {
		to = len(text)
	}
	var parts []string
	plain := ""
	if lo > 0 {
		plain = "…"
	}
	pos := from
	for i := lo; i <= hi; i++ {
		if !hit[i] {
			continue
		}
		parts = append(parts, plain+text[pos:spans[i][0]], text[spans[i][0]:spans[i][1]])
		plain, pos = "", spans[i][1]
	}
	tail := plain + text[pos:to]
	if hi < len(words)-1 {
		tail += "…"
	}
	return append(parts, tail)
}
