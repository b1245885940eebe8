package automation

import (
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"
)

// wordStems are the stems of a text's words, lower case, ё read as е: a
// rule's "взнос" then finds "взносы", "взносов", "Взносам".
func wordStems(text string) []string {
	text = strings.ReplaceAll(strings.ToLower(text), "ё", "е")
	var out []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if s := stemWord(w); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func stemWord(w string) string {
	for _, r := range w {
		if unicode.Is(unicode.Cyrillic, r) {
			return russian.Stem(w, false)
		}
	}
	return english.Stem(w, false)
}

// hasWords reports whether text has any of the words (as stems): a word
// of the text matches when its stem begins with the rule word's stem, so
// a short stem also finds compounds ("взнос" in "взносами", "профвзнос"
// does not, by design: the start of the word must agree).
func hasWords(text string, words []string) bool {
	got := wordStems(text)
	for _, w := range words {
		for _, g := range got {
			if strings.HasPrefix(g, w) {
				return true
			}
		}
	}
	return false
}
