package feed

import (
	"html"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// The composer sends HTML from a contenteditable field; nothing of it is
// trusted. bodyPolicy keeps only simple formatting (paragraphs, bold,
// italic, underline, strike, lists, quotes and http(s)/mailto links,
// which open apart with no referrer), and the stored result is what every
// reader's page inserts. plainPolicy gives the words, for notices.
var (
	bodyPolicy  = newBodyPolicy()
	plainPolicy = bluemonday.StrictPolicy()
	blockEnd    = regexp.MustCompile(`(?i)<\s*(br\s*/?|/p|/div|/li|/blockquote)\s*>`)
	spaces      = regexp.MustCompile(`[ \t]+`)
	blankLines  = regexp.MustCompile(`\n\s*\n+`)
	divOpen     = regexp.MustCompile(`(?i)<div\b[^>]*>`)
	divClose    = regexp.MustCompile(`(?i)</div\s*>`)
)

func newBodyPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "b", "strong", "i", "em", "u", "s", "strike", "ul", "ol", "li", "blockquote")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}

// Sanitize is the stored form of a post's HTML.
func Sanitize(in string) string {
	// A div is a line in contenteditable: keep it as a paragraph.
	in = divClose.ReplaceAllString(divOpen.ReplaceAllString(in, "<p>"), "</p>")
	return strings.TrimSpace(bodyPolicy.Sanitize(in))
}

// plainText is the words of sanitised HTML, lines kept.
func plainText(h string) string {
	h = blockEnd.ReplaceAllString(h, "$0\n")
	s := html.UnescapeString(plainPolicy.Sanitize(h))
	s = spaces.ReplaceAllString(s, " ")
	s = blankLines.ReplaceAllString(s, "\n")
	return strings.TrimSpace(s)
}

// excerpt is the first n runes of s on one line, for a notice.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
