package blob

import (
	"path"
	"strings"
	"unicode"
)

// CleanName makes a file name from the outside safe to show and to offer
// for download: no directory parts, no control or bidirectional-override
// characters (which can disguise "invoice\u202Efdp.exe" as "invoice.pdf"),
// no leading dots, at most 200 characters. An empty result becomes "file".
func CleanName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base(strings.TrimRight(name, "/"))
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r), r == '\u200B', r == '\uFEFF':
			continue
		case r == '/' || r == ':' || r == '*' || r == '?' || r == '"' || r == '<' || r == '>' || r == '|':
			b.WriteRune('_')
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
