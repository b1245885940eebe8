// Package richtext reads the light markup operators type in the console
// (**bold**, __italic__, ~~strike~~, `code`, ```pre```, [text](url)) into
// plain text plus styled ranges. Connectors render the ranges in their
// provider's own way — Telegram as message entities, VK as plain text —
// so nothing an operator types is ever interpreted as provider markup:
// there is no HTML or MarkdownV2 to escape, and a stray "<" or "*" goes
// out literally.
package richtext

import (
	"net/url"
	"strings"
)

// Kind is a style of a span.
type Kind string

const (
	Bold   Kind = "bold"
	Italic Kind = "italic"
	Strike Kind = "strikethrough"
	Code   Kind = "code"
	Pre    Kind = "pre"
	Link   Kind = "text_link"
)

// Span styles Text[Start:End] (byte offsets).
type Span struct {
	Start, End int
	Kind       Kind
	URL        string // Link only
	Lang       string // Pre only: the language named after ```
}

// Doc is parsed text: what the reader sees, and how parts of it look.
type Doc struct {
	Text  string
	Spans []Span
}

// delimiters of the inline styles that may contain other styles.
var nesting = []struct {
	mark string
	kind Kind
}{{"**", Bold}, {"__", Italic}, {"~~", Strike}}

// maxDepth bounds nesting so hostile input cannot recurse deeply.
const maxDepth = 4

// Parse reads s. Markers without a closing partner, and links whose
// address is not http(s) or mailto, stay as typed.
func Parse(s string) Doc {
	var d Doc
	var b strings.Builder
	parseInto(&b, &d, s, 0)
	d.Text = b.String()
	return d
}

func parseInto(b *strings.Builder, d *Doc, s string, depth int) {
	for len(s) > 0 {
		if strings.HasPrefix(s, "```") {
			if end := strings.Index(s[3:], "```"); end >= 0 {
				body := s[3 : 3+end]
				lang := ""
				// ```go\n… names the language on the first line.
				if nl := strings.IndexByte(body, '\n'); nl >= 0 && !strings.ContainsAny(body[:nl], " \t") {
					lang, body = body[:nl], body[nl+1:]
				}
				addLiteral(b, d, strings.TrimSuffix(body, "\n"), Pre, lang)
				s = s[6+end:]
				continue
			}
		}
		if s[0] == '`' {
			if end := strings.IndexByte(s[1:], '`'); end > 0 && !strings.Contains(s[1:1+end], "\n") {
				addLiteral(b, d, s[1:1+end], Code, "")
				s = s[2+end:]
				continue
			}
		}
		if s[0] == '[' {
			if text, link, rest, ok := cutLink(s); ok && depth < maxDepth {
				start := b.Len()
				parseInto(b, d, text, depth+1)
				d.Spans = append(d.Spans, Span{Start: start, End: b.Len(), Kind: Link, URL: link})
				s = rest
				continue
			}
		}
		if matched := false; depth < maxDepth {
			for _, n := range nesting {
				if !strings.HasPrefix(s, n.mark) {
					continue
				}
				end := strings.Index(s[len(n.mark):], n.mark)
				if end <= 0 {
					continue
				}
				inner := s[len(n.mark) : len(n.mark)+end]
				if strings.TrimSpace(inner) != inner { // "** not bold **"
					continue
				}
				start := b.Len()
				parseInto(b, d, inner, depth+1)
				d.Spans = append(d.Spans, Span{Start: start, End: b.Len(), Kind: n.kind})
				s = s[2*len(n.mark)+end:]
				matched = true
				break
			}
			if matched {
				continue
			}
		}
		// Copy up to the next byte that might start markup.
		i := 1
		for i < len(s) && !strings.ContainsRune("`[*_~", rune(s[i])) {
			i++
		}
		b.WriteString(s[:i])
		s = s[i:]
	}
}

func addLiteral(b *strings.Builder, d *Doc, text string, k Kind, lang string) {
	if text == "" {
		return
	}
	start := b.Len()
	b.WriteString(text)
	d.Spans = append(d.Spans, Span{Start: start, End: b.Len(), Kind: k, Lang: lang})
}

// cutLink reads "[text](url)" at the start of s.
func cutLink(s string) (text, link, rest string, ok bool) {
	close := strings.Index(s, "](")
	if close <= 1 || strings.Contains(s[:close], "\n") {
		return "", "", "", false
	}
	end := strings.IndexByte(s[close+2:], ')')
	if end <= 0 {
		return "", "", "", false
	}
	link = s[close+2 : close+2+end]
	u, err := url.Parse(link)
	if err != nil || strings.ContainsAny(link, " \n\t") || !(u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "mailto") ||
		(u.Scheme != "mailto" && u.Host == "") {
		return "", "", "", false
	}
	return s[1:close], link, s[close+3+end:], true
}

// Plain renders d for channels without formatting (VK, SMS): styles are
// dropped and a link whose text is not its address reads "text (url)".
func (d Doc) Plain() string {
	var b strings.Builder
	at := 0
	for _, sp := range d.Spans {
		if sp.Kind != Link || sp.Start < at {
			continue
		}
		b.WriteString(d.Text[at:sp.End])
		if text := d.Text[sp.Start:sp.End]; strings.TrimSpace(text) != sp.URL && strings.TrimPrefix(sp.URL, "mailto:") != text {
			b.WriteString(" (" + sp.URL + ")")
		}
		at = sp.End
	}
	b.WriteString(d.Text[at:])
	return b.String()
}

// Slice returns the part of d in Text[start:end], spans clipped to it.
func (d Doc) Slice(start, end int) Doc {
	out := Doc{Text: d.Text[start:end]}
	for _, sp := range d.Spans {
		s, e := max(sp.Start, start), min(sp.End, end)
		if s < e {
			out.Spans = append(out.Spans, Span{Start: s - start, End: e - start, Kind: sp.Kind, URL: sp.URL, Lang: sp.Lang})
		}
	}
	return out
}
