package mail

import (
	"html"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// htmlPolicy is a strict allow-list for letters' HTML: text formatting,
// lists, tables, links (http, https, mailto only, opened without a
// referrer) and images that come with the letter (cid:). Scripts, styles,
// event handlers, forms, frames, SVG and MathML are removed with their
// content. Remote images (https only) keep their address, but in
// data-remote-src rather than src (see parkRemoteImages), so opening a
// letter tells the sender nothing until an operator asks to see them.
var htmlPolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "div", "span", "b", "strong", "i", "em", "u", "s", "strike", "small", "big", "sub", "sup",
		"blockquote", "pre", "code", "ul", "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
		"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "hr", "center", "font", "a", "img")
	p.AllowURLSchemes("http", "https", "mailto", "cid")
	p.RequireParseableURLs(true)
	p.AllowAttrs("href").Matching(regexp.MustCompile(`(?i)^(https?://|mailto:)`)).OnElements("a")
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowAttrs("src").Matching(regexp.MustCompile(`(?i)^(cid:[^\s"'<>]+|https://[^\s"'<>]+)$`)).OnElements("img")
	p.AllowAttrs("alt", "title", "width", "height").OnElements("img")
	p.AllowAttrs("colspan", "rowspan", "align", "valign").OnElements("td", "th")
	p.AllowAttrs("align").OnElements("p", "div", "table", "tr")
	p.AllowAttrs("title").Globally()
	return p
}()

func sanitizeHTML(s string) string {
	// bluemonday passes invalid UTF-8 through; the fuzzer found a letter
	// whose HTML part did that.
	return parkRemoteImages(strings.ToValidUTF8(htmlPolicy.Sanitize(strings.ToValidUTF8(s, "\uFFFD")), "\uFFFD"))
}

var (
	textOnly   = bluemonday.StrictPolicy()
	blockEnd   = regexp.MustCompile(`(?i)<\s*(br\s*/?|/p|/div|/tr|/li|/h[1-6]|/blockquote|/table)\s*>`)
	blankLines = regexp.MustCompile(`\n[ \t]*\n([ \t]*\n)+`)
)

// htmlToText is the readable text of sanitised HTML, for letters without
// a plain-text part.
func htmlToText(s string) string {
	s = blockEnd.ReplaceAllString(s, "$0\n")
	s = html.UnescapeString(textOnly.Sanitize(s))
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	return strings.TrimSpace(blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}
