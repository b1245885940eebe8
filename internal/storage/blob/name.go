package blob

import (
	"path"
	"strings"
	"unicode"
)

// CleanName makes a file name from the outside safe to show and to offer
// for download: no directory parts; no control characters (NUL, CR, LF,
// tabs, C1); no invisible format characters — bidirectional controls such
// as U+202E (which disguise "invoice\u202Efdp.exe" as "invoice.pdf"),
// marks such as U+200F, zero-width characters, the BOM, soft hyphens, tag
// characters; no line or paragraph separators; no noncharacters; other
// spaces become plain ones; no leading dots; at most 200 characters. An
// empty result becomes "file". Every upload and every stored document or
// attachment name goes through it, so what an operator sees is what the
// name is.
func CleanName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base(strings.TrimRight(name, "/"))
	var b strings.Builder
	for _, r := range name {
		switch {
		case invisible(r):
			continue
		case r == '/' || r == ':' || r == '*' || r == '?' || r == '"' || r == '<' || r == '>' || r == '|':
			b.WriteRune('_')
		case unicode.Is(unicode.Zs, r):
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	out := strings.TrimLeft(strings.TrimSpace(b.String()), ".")
	if r := []rune(out); len(r) > 200 {
		out = string(r[len(r)-200:])
	}
	if out == "" || out == "." {
		return "file"
	}
	return out
}

// invisible reports the runes a file name must not carry: controls (Cc),
// format characters (Cf, which holds every bidirectional control and
// zero-width character), line and paragraph separators, private-use and
// surrogate code points, noncharacters and U+FFFD (the mark of bytes that
// were not UTF-8).
func invisible(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co, unicode.Cs) ||
		unicode.Is(unicode.Noncharacter_Code_Point, r) || r == unicode.ReplacementChar
}
