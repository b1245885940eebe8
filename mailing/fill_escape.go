package mailing

import "strings"

// The escapers html/template puts into a letter's actions, redone to
// write exactly what html/template writes for a string value, without
// its allocations. fill_test.go holds them to html/template's output.

// escaping is how a value is written where it stands.
type escaping uint8

const (
	escNone     escaping = iota // text/template: as it is
	escHTML                     // text, a quoted attribute value, <title>
	escURL                      // a URL attribute's whole value: filtered, normalised
	escURLPart                  // inside a URL's path: normalised
	escURLQuery                 // in a URL's query or fragment: percent-encoded
)

// escapingOf are the escaper pipelines html/template appends to an action,
// by context, that a flat template may hold (for a plain string, the
// text, attribute and RCDATA escapers do the same).
var escapingOf = map[string]escaping{
	"_html_template_htmlescaper":   escHTML,
	"_html_template_attrescaper":   escHTML,
	"_html_template_rcdataescaper": escHTML,
	"_html_template_urlfilter _html_template_urlnormalizer _html_template_attrescaper": escURL,
	"_html_template_urlnormalizer _html_template_attrescaper":                          escURLPart,
	"_html_template_urlescaper _html_template_attrescaper":                             escURLQuery,
}

func appendEscaped(dst []byte, s string, esc escaping) []byte {
	switch esc {
	case escHTML:
		return appendHTMLEscaped(dst, s)
	case escURL:
		if !isSafeURL(s) {
			s = "#ZgotmplZ" // html/template's filterFailsafe
		}
		return appendURLEscaped(dst, s, true)
	case escURLPart:
		return appendURLEscaped(dst, s, true)
	case escURLQuery:
		return appendURLEscaped(dst, s, false)
	}
	return append(dst, s...)
}

// htmlEscapes is html/template's htmlReplacementTable. Only ASCII is
// replaced, and an ASCII byte in UTF-8 is always a whole character, so
// going byte by byte is going rune by rune (invalid bytes stay as they
// are, as html/template leaves them).
var htmlEscapes = [...]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

func appendHTMLEscaped(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; int(c) < len(htmlEscapes) && htmlEscapes[c] != "" {
			dst = append(dst, s[last:i]...)
			dst = append(dst, htmlEscapes[c]...)
			last = i + 1
		}
	}
	return append(dst, s[last:]...)
}

// isSafeURL is html/template's: a relative URL, or http, https, mailto.
func isSafeURL(s string) bool {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			return false
		}
	}
	return true
}

// appendURLEscaped is html/template's processURLOnto (norm: keep the
// URL's reserved characters and valid escapes) followed by its attribute
// escaper, which only ever meets the ASCII the first step lets through.
func appendURLEscaped(dst []byte, s string, norm bool) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case urlUnreserved[c], norm && urlReserved[c],
			norm && c == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]):
			if int(c) < len(htmlEscapes) && htmlEscapes[c] != "" {
				dst = append(dst, htmlEscapes[c]...)
			} else {
				dst = append(dst, c)
			}
		default:
			dst = append(dst, '%', hex[c>>4], hex[c&15])
		}
	}
	return dst
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// urlUnreserved (RFC 3986 §2.3) and urlReserved (kept when normalising)
// are processURLOnto's sets.
var urlUnreserved, urlReserved = func() (u, r [256]bool) {
	for c := 0; c < 256; c++ {
		u[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", byte(c)) >= 0
		r[c] = c < 128 && strings.IndexByte("!#$&*+,/:;=?@[]", byte(c)) >= 0
	}
	return
}()
