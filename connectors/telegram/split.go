package telegram

import (
	"strings"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"github.com/profhub/profhub/connectors/richtext"
)

// splitText cuts s into pieces of at most limit UTF-16 code units (how
// Telegram counts a message's length), preferring to cut after a blank
// line, then after a line, then after a space, and only then mid-word.
func splitText(s string, limit int) []string {
	var out []string
	for _, r := range splitRanges(s, limit) {
		out = append(out, s[r[0]:r[1]])
	}
	return out
}

// splitRanges is splitText as byte ranges of s, so that styled spans can
// be cut along with the text.
func splitRanges(s string, limit int) [][2]int {
	var out [][2]int
	pos := 0
	for {
		for pos < len(s) && s[pos] == '\n' {
			pos++
		}
		end := len(s)
		for end > pos && s[end-1] == '\n' {
			end--
		}
		rest := s[pos:end]
		if rest == "" {
			return out
		}
		cut := prefixUnits(rest, limit)
		if cut == len(rest) {
			return append(out, [2]int{pos, end})
		}
		at := breakAt(rest[:cut])
		if at <= 0 {
			at = cut
		}
		if piece := strings.TrimRight(rest[:at], " \n"); piece != "" {
			out = append(out, [2]int{pos, pos + len(piece)})
		}
		pos += at
	}
}

// splitDoc cuts a formatted text at Telegram's limit, each piece with
// its own entities.
func splitDoc(d richtext.Doc, limit int) []richtext.Doc {
	var out []richtext.Doc
	for _, r := range splitRanges(d.Text, limit) {
		out = append(out, d.Slice(r[0], r[1]))
	}
	return out
}

// entities turns a document's spans into Telegram message entities,
// whose offsets and lengths count UTF-16 code units.
func entities(d richtext.Doc) []models.MessageEntity {
	var out []models.MessageEntity
	for _, sp := range d.Spans {
		off := utf16Len(d.Text[:sp.Start])
		n := utf16Len(d.Text[sp.Start:sp.End])
		if n == 0 {
			continue
		}
		out = append(out, models.MessageEntity{Type: models.MessageEntityType(sp.Kind), Offset: off, Length: n,
			URL: sp.URL, Language: sp.Lang})
	}
	return out
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
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
		n := max(utf16.RuneLen(r), 1)
		if units+n > limit {
			return i
		}
		units += n
	}
	return len(s)
}
