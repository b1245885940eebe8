// Package norm prepares text that people typed for one use: Fold for search
// (SQLite's lower() and LIKE fold only ASCII, so searchable columns hold a
// copy folded in Go and queries fold their input the same way), SafeCell for
// a spreadsheet cell.
package norm

import (
	"strings"
	"unicode"
)

// Fold lower-cases s, turns ё into е and collapses runs of white space, so
// "Семёнов  Пётр" and "семенов петр" match.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.TrimSpace(s) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		r = unicode.ToLower(r)
		if r == 'ё' {
			r = 'е'
		}
		b.WriteRune(r)
	}
	return b.String()
}
