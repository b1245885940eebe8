package norm

import (
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"
)

// Search terms are word stems, so that "взносы" finds "взносов". SQLite's
// FTS5 has no Russian stemmer, so the stems are made here, by the same
// Snowball algorithms that PostgreSQL's 'russian' configuration uses
// (Russian for Cyrillic words, English for Latin ones, stop words
// dropped). The inbox's search and the help centre share them.

// Words splits text into lower-case words (letters and digits), ё folded
// to е, with the byte offsets of each word in text.
func Words(text string) (words []string, spans [][2]int) {
	start := -1
	for i, r := range text {
		word := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			words, spans = appendWord(words, spans, text, start, i)
			start = -1
		}
	}
	if start >= 0 {
		words, spans = appendWord(words, spans, text, start, len(text))
	}
	return words, spans
}

func appendWord(words []string, spans [][2]int, text string, from, to int) ([]string, [][2]int) {
	w := strings.ReplaceAll(strings.ToLower(text[from:to]), "ё", "е")
	return append(words, w), append(spans, [2]int{from, to})
}

// Stem is a word's search term (a word of Words), or "" for a stop word.
func Stem(word string) string {
	cyrillic := false
	for _, r := range word {
		if unicode.Is(unicode.Cyrillic, r) {
			cyrillic = true
			break
		}
	}
	switch {
	case cyrillic:
		if russian.IsStopWord(word) {
			return ""
		}
		return russian.Stem(word, true)
	case isASCIIWord(word):
		if english.IsStopWord(word) {
			return ""
		}
		return english.Stem(word, true)
	}
	return word
}

func isASCIIWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// Terms is the space-separated stems of text, as a search column holds
// them.
func Terms(text string) string {
	words, _ := Words(text)
	var sb strings.Builder
	for _, w := range words {
		if s := Stem(w); s != "" {
			if sb.Len() > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(s)
		}
	}
	return sb.String()
}

// QueryStems is the distinct stems of a query, at most max.
func QueryStems(q string, max int) []string {
	words, _ := Words(q)
	var out []string
	for _, w := range words {
		if len(out) == max {
			break
		}
		if s := Stem(w); s != "" && !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
