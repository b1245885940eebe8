package helpcentre

import (
	"html"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
)

// An article's HTML comes from an editor's paste (a word processor, a web
// page); nothing of it is trusted. bodyPolicy keeps simple formatting:
// headings, paragraphs, emphasis, lists, quotes, code, tables and
// http(s)/mailto links (which open apart with no referrer). Whatever the
// policy drops that could act (scripts, frames, forms, event handlers,
// styles, javascript: links) is named, so the editor's save is logged.
var (
	bodyPolicy  = newBodyPolicy()
	plainPolicy = bluemonday.StrictPolicy()
)

var allowedElements = []string{"h2", "h3", "h4", "p", "br", "b", "strong", "i", "em", "u", "s", "ul", "ol", "li",
	"blockquote", "code", "pre", "a", "table", "thead", "tbody", "tr", "th", "td", "hr"}

// harmless are elements the policy drops (keeping their words) that do
// nothing: a pasted page's layout.
var harmless = []string{"html", "head", "body", "div", "span", "h1", "h5", "h6", "font", "small", "big", "sub", "sup",
	"section", "article", "header", "footer", "main", "nav", "figure", "figcaption", "caption", "colgroup", "col", "tfoot",
	"dl", "dt", "dd", "abbr", "cite", "q", "mark", "del", "ins", "kbd", "samp", "var", "label", "center", "title", "meta"}

// harmlessAttrs are attributes dropped without a word.
var harmlessAttrs = []string{"class", "id", "title", "lang", "dir", "align", "colspan", "rowspan", "width", "height", "name",
	"target", "rel", "charset", "content", "http-equiv", "border", "cellpadding", "cellspacing", "valign"}

func newBodyPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(allowedElements...)
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("colspan", "rowspan").OnElements("td", "th")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}

// Sanitize is the stored form of an article's HTML and what was removed
// from it that could act ("script", "onclick", "href=javascript:"…),
// sorted, each named once.
func Sanitize(in string) (clean string, removed []string) {
	return strings.TrimSpace(bodyPolicy.Sanitize(in)), hostile(in)
}

// hostile names what the policy drops that is neither allowed nor a
// harmless piece of layout.
func hostile(in string) []string {
	found := map[string]bool{}
	z := xhtml.NewTokenizer(strings.NewReader(in))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			if z.Err() != io.EOF {
				found["malformed"] = true
			}
			break
		}
		if tt == xhtml.CommentToken {
			continue
		}
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		tag := string(name)
		if !slices.Contains(allowedElements, tag) && !slices.Contains(harmless, tag) {
			found[tag] = true
		}
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = z.TagAttr()
			attr := string(k)
			switch {
			case attr == "href" && tag == "a":
				if scheme := linkScheme(string(v)); scheme != "" && scheme != "http" && scheme != "https" && scheme != "mailto" {
					found["href="+scheme+":"] = true
				}
			case (attr == "colspan" || attr == "rowspan") && (tag == "td" || tag == "th"):
			case slices.Contains(harmlessAttrs, attr):
			default:
				found[attr] = true
			}
		}
	}
	out := make([]string, 0, len(found))
	for k := range found {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// linkScheme is a link's scheme, lower case, with the spaces and control
// characters browsers ignore taken out ("java\tscript:" is javascript:).
func linkScheme(href string) string {
	href = strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, html.UnescapeString(href))
	i := strings.IndexByte(href, ':')
	if i <= 0 || strings.ContainsAny(href[:i], "/?#") {
		return ""
	}
	return strings.ToLower(href[:i])
}

// plainText is the words of sanitised HTML on one line.
func plainText(h string) string {
	h = strings.NewReplacer("</p>", "</p> ", "<br>", " ", "</li>", "</li> ", "</h2>", "</h2> ", "</h3>", "</h3> ", "</td>", "</td> ").Replace(h)
	return strings.Join(strings.Fields(html.UnescapeString(plainPolicy.Sanitize(h))), " ")
}

// excerpt is about n runes of s, cut at a word.
func excerpt(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:—-") + "…"
}
