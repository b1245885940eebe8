package mailing

import (
	"html"
	"regexp"
	"strings"
	"unicode/utf16"

	"github.com/microcosm-cc/bluemonday"
)

var (
	textOnly   = bluemonday.StrictPolicy()
	blockEnd   = regexp.MustCompile(`(?i)<\s*(br\s*/?|/p|/div|/tr|/li|/h[1-6]|/blockquote|/table)\s*>`)
	blankLines = regexp.MustCompile(`\n[ \t]*\n([ \t]*\n)+`)
)

// htmlToText makes the text alternative of an HTML template written
// without one; template actions are plain text to the sanitiser and stay.
func htmlToText(s string) string {
	s = blockEnd.ReplaceAllString(s, "$0\n")
	s = html.UnescapeString(textOnly.Sanitize(s))
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.TrimSpace(blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}

// The GSM 03.38 default alphabet and its extension table (two septets each).
const (
	gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExt   = "^{}\\[~]|€\f"
)

// SMSSegments says how an SMS text is encoded ("gsm7" or "ucs2") and how
// many parts it is sent in: 160/153 septets with GSM-7, 70/67 UTF-16 units
// otherwise (any Cyrillic letter means UCS-2).
func SMSSegments(s string) (encoding string, segments int) {
	if s == "" {
		return "gsm7", 0
	}
	septets, gsm := 0, true
	for _, r := range s {
		switch {
		case strings.ContainsRune(gsmBasic, r):
			septets++
		case strings.ContainsRune(gsmExt, r):
			septets += 2
		default:
			gsm = false
		}
	}
	if gsm {
		if septets <= 160 {
			return "gsm7", 1
		}
		return "gsm7", (septets + 152) / 153
	}
	units := len(utf16.Encode([]rune(s)))
	if units <= 70 {
		return "ucs2", 1
	}
	return "ucs2", (units + 66) / 67
}
