package telegram

import (
	"strings"
	"unicode/utf16"
)

// splitText cuts s into pieces of at most limit UTF-16 code units (how
// Telegram counts a message's length), preferring to cut after a blank
// line, then after a line, then after a space, and only then mid-word.
func splitText(s string, limit int) []string {
	var out []string
	for {
		s = strings.Trim(s, "\n")
		if s == "" {
			return out
		}
		cut := prefixUnits(s, limit)
		if cut == len(s) {
			return append(out, s)
		}
		window := s[:cut]
		at := breakAt(window)
		if at <= 0 {
			at = cut
		}
		if piece := strings.TrimRight(s[:at], " \n"); piece != "" {
			out = append(out, piece)
		}
		s = s[at:]
	}
}

// breakAt is where to end a part within window: after its last blank
// line, line or space in the second half, else after any of them (an
// early break beats cutting a word), else 0.
func breakAt(window string) int {
	for _, minAt := range []int{len(window) / 2, 1} {
		for _, sep := range []string{"\n\n", "\n", " "} {
			if i := strings.LastIndex(window, sep); i >= minAt {
				return i + len(sep)
			}
		}
	}
	return 0
}

// prefixUnits is the byte length of the longest prefix of s with at most
// limit UTF-16 code units.
func prefixUnits(s string, limit int) int {
	units := 0
	for i, r := range s {
		n := utf16.RuneLen(r)
		if n < 1 {
			n = 1
		}
		if units+n > limit {
			return i
		}
		units += n
	}
	return len(s)
}
