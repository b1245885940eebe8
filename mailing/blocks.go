package mailing

import (
	"html"
	"net/url"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

// Block is one piece of a letter made in the block editor. The server,
// not the browser, turns blocks into the letter: mail-safe HTML (tables,
// inline styles, 600 px wide) and its plain-text part, so what staff type
// is sanitised once, here, whatever a browser sent.
type Block struct {
	Type string `json:"type"` // heading, text, image, button, divider, columns
	// Text is the heading's or the button's words (plain), or the text
	// block's formatted text (b, i, links; sanitised).
	Text string `json:"text,omitempty"`
	// URL is where the button or the image leads (absolute http(s)).
	URL string `json:"url,omitempty"`
	Src string `json:"src,omitempty"` // image: absolute http(s) or an upload (ImagePath)
	Alt string `json:"alt,omitempty"`
	// Left and Right are the two columns' formatted texts.
	Left  string `json:"left,omitempty"`
	Right string `json:"right,omitempty"`
}

// Block types.
const (
	BlockHeading = "heading"
	BlockText    = "text"
	BlockImage   = "image"
	BlockButton  = "button"
	BlockDivider = "divider"
	BlockColumns = "columns"
)

// MaxBlocks caps a letter's length in blocks.
const MaxBlocks = 100

// ImagePath is where an uploaded picture is served to mail programs.
const ImagePath = "/hooks/mailing/images/"

// Variable is one entry of the editor's list: the Russian label people
// see (and type as {{Имя}}) and the template data it stands for.
type Variable struct {
	Label string `json:"label"`
	expr  string // a text/template pipeline over Vars, never user text
}

// builtinVars are the member variables every letter may use, by the
// names staff know them by.
var builtinVars = []Variable{
	{Label: "Имя", expr: ".GivenName"},
	{Label: "Имя и отчество", expr: ".GivenAndPatronymic"},
	{Label: "Фамилия", expr: ".Surname"},
	{Label: "ФИО", expr: ".Name"},
	{Label: "Организация", expr: ".Organisation"},
	{Label: "Должность", expr: ".Position"},
	{Label: "Номер профсоюзного билета", expr: ".CardNumber"},
}

// BuiltinVariables are the labels of the built-in variables, in the
// editor's order; custom fields of members follow them.
func BuiltinVariables() []string {
	out := make([]string, len(builtinVars))
	for i, v := range builtinVars {
		out[i] = v.Label
	}
	return out
}

var customKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// varSet maps a label to its pipeline: the built-ins and the custom
// fields named in the content (label → key, filled by the server).
type varSet map[string]string

func newVarSet(fields map[string]string) varSet {
	vs := varSet{}
	for label, key := range fields {
		if customKey.MatchString(key) {
			vs[label] = `index .Custom "` + key + `"`
		}
	}
	for _, v := range builtinVars {
		vs[v.Label] = v.expr
	}
	return vs
}

// token is a variable as written in the editor: {{Имя}}.
var token = regexp.MustCompile(`\{\{\s*([^{}]{1,80}?)\s*\}\}`)

// textTemplate makes text/template source of plain text with {{label}}
// variables. Everything else is literal: each "{" becomes the action
// {{"{"}}, so no text a person typed can open a template action.
func (vs varSet) textTemplate(s string) string {
	return vs.replace(s, func(lit string) string { return strings.ReplaceAll(lit, "{", `{{"{"}}`) }, func(s string) string { return s })
}

// htmlTemplate does the same for HTML that is already safe: literal
// braces become character references, labels unescape before lookup.
func (vs varSet) htmlTemplate(s string) string {
	return vs.replace(s, func(lit string) string {
		return strings.NewReplacer("{", "&#123;", "}", "&#125;").Replace(lit)
	}, html.UnescapeString)
}

func (vs varSet) replace(s string, literal func(string) string, label func(string) string) string {
	var b strings.Builder
	last := 0
	for _, m := range token.FindAllStringSubmatchIndex(s, -1) {
		expr, ok := vs[strings.Join(strings.Fields(label(s[m[2]:m[3]])), " ")]
		if !ok {
			continue // not a variable: stays literal text
		}
		b.WriteString(literal(s[last:m[0]]))
		b.WriteString("{{" + expr + "}}")
		last = m[1]
	}
	b.WriteString(literal(s[last:]))
	return b.String()
}

// richPolicy is what a text block may hold: bold, italic, underline,
// paragraphs, line breaks and absolute links. Everything else goes, the
// text inside stays.
var richPolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("b", "strong", "i", "em", "u", "br", "p")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	return p
}()

// Styles inlined into the letter: mail programs drop <style> sheets.
const (
	styleFont   = "font-family:Arial,Helvetica,sans-serif;color:#1f2328;"
	styleText   = styleFont + "font-size:16px;line-height:1.5;"
	styleLink   = "color:#1f5fa8;text-decoration:underline;"
	styleCell   = "padding:8px 24px;"
	styleButton = "display:inline-block;padding:12px 24px;background:#1f5fa8;color:#ffffff;font-family:Arial,Helvetica,sans-serif;" +
		"font-size:16px;font-weight:bold;text-decoration:none;border-radius:4px;"
)

// rich sanitises a formatted text and inlines its styles.
func rich(s string) string {
	s = richPolicy.Sanitize(s)
	return strings.NewReplacer(`<a href=`, `<a style="`+styleLink+`" target="_blank" href=`,
		`<p>`, `<p style="margin:0 0 12px">`).Replace(s)
}

// absoluteURL accepts only what a mail program can open anywhere.
func absoluteURL(s string, schemes ...string) (string, bool) {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || u.Host == "" && u.Scheme != "mailto" || strings.ContainsAny(s, " \"'<>\\") {
		return "", false
	}
	for _, sc := range schemes {
		if strings.EqualFold(u.Scheme, sc) {
			return u.String(), true
		}
	}
	return "", false
}

var uploadPath = regexp.MustCompile(`^` + ImagePath + `[0-9a-f-]{36}$`)

// imageSrc accepts an absolute http(s) address or an uploaded picture's
// path (made absolute by withImageBase when the letter is sent).
func imageSrc(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if uploadPath.MatchString(s) {
		return s, true
	}
	return absoluteURL(s, "http", "https")
}

// withImageBase makes uploaded pictures' paths absolute with the hub's
// public address (base; "" leaves them, for previews inside the hub).
func withImageBase(bs []Block, base string) []Block {
	base = strings.TrimSuffix(base, "/")
	if base == "" {
		return bs
	}
	out := make([]Block, len(bs))
	for i, b := range bs {
		if uploadPath.MatchString(strings.TrimSpace(b.Src)) {
			b.Src = base + strings.TrimSpace(b.Src)
		}
		out[i] = b
	}
	return out
}

// sanitizeBlocks keeps a letter's blocks in their stored form: formatted
// texts already sanitised (so the editor can load them back as they
// are), the rest trimmed.
func sanitizeBlocks(bs []Block) {
	for i := range bs {
		b := &bs[i]
		b.Type, b.URL, b.Src, b.Alt = strings.TrimSpace(b.Type), strings.TrimSpace(b.URL), strings.TrimSpace(b.Src), strings.TrimSpace(b.Alt)
		switch b.Type {
		case BlockText:
			b.Text = richPolicy.Sanitize(b.Text)
		case BlockColumns:
			b.Left, b.Right = richPolicy.Sanitize(b.Left), richPolicy.Sanitize(b.Right)
		default:
			b.Text = strings.TrimSpace(b.Text)
		}
	}
}

// checkBlocks refuses blocks a letter cannot be made of, naming the first.
func checkBlocks(bs []Block) error {
	if len(bs) > MaxBlocks {
		return valid.Errorf("content.blocks", "blocks_count", "a letter may have at most %d blocks", MaxBlocks)
	}
	for i, b := range bs {
		n := i + 1
		if len(b.Text)+len(b.Left)+len(b.Right)+len(b.URL)+len(b.Src)+len(b.Alt) > 64<<10 {
			return valid.Errorf("content.blocks", "block_too_long", "block %d is too long", n)
		}
		switch b.Type {
		case BlockHeading, BlockText, BlockDivider, BlockColumns:
		case BlockButton:
			if strings.TrimSpace(b.Text) == "" {
				return valid.Errorf("content.blocks", "button_text", "the button of block %d needs words", n)
			}
			if _, ok := absoluteURL(b.URL, "http", "https", "mailto"); !ok {
				return valid.Errorf("content.blocks", "button_url", "the button of block %d needs a full link (https://…)", n)
			}
		case BlockImage:
			if _, ok := imageSrc(b.Src); !ok {
				return valid.Errorf("content.blocks", "image_src", "the picture of block %d needs a full address (https://…) or an upload", n)
			}
			if b.URL != "" {
				if _, ok := absoluteURL(b.URL, "http", "https"); !ok {
					return valid.Errorf("content.blocks", "image_url", "the link of the picture in block %d must be a full address", n)
				}
			}
		default:
			return valid.Errorf("content.blocks", "block_type", "block %d is of an unknown type", n)
		}
	}
	return nil
}

// blocksHTML is the html/template source of a block letter, the
// unsubscribe footer included. Every piece of user text is escaped or
// sanitised before variables become actions.
func blocksHTML(bs []Block, vs varSet) string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>` +
		`<body style="margin:0;padding:0;background:#f3f4f6">` +
		`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6"><tr><td align="center" style="padding:16px 8px">` +
		`<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:600px;max-width:100%;background:#ffffff">`)
	b.WriteString(`<tr><td style="height:16px;font-size:0;line-height:0">&nbsp;</td></tr>`)
	for _, bl := range bs {
		b.WriteString(`<tr><td style="` + styleCell + `">`)
		switch bl.Type {
		case BlockHeading:
			b.WriteString(`<h2 style="margin:8px 0;` + styleFont + `font-size:24px;line-height:1.3">` + vs.htmlTemplate(html.EscapeString(bl.Text)) + `</h2>`)
		case BlockText:
			b.WriteString(`<div style="` + styleText + `">` + vs.htmlTemplate(rich(bl.Text)) + `</div>`)
		case BlockImage:
			src, _ := imageSrc(bl.Src)
			img := `<img src="` + vs.htmlTemplate(html.EscapeString(src)) + `" alt="` + vs.htmlTemplate(html.EscapeString(bl.Alt)) +
				`" width="552" style="display:block;width:100%;max-width:552px;height:auto;border:0">`
			if u, ok := absoluteURL(bl.URL, "http", "https"); ok {
				img = `<a href="` + vs.htmlTemplate(html.EscapeString(u)) + `" target="_blank">` + img + `</a>`
			}
			b.WriteString(img)
		case BlockButton:
			u, _ := absoluteURL(bl.URL, "http", "https", "mailto")
			b.WriteString(`<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0"><tr><td style="border-radius:4px;background:#1f5fa8">` +
				`<a href="` + vs.htmlTemplate(html.EscapeString(u)) + `" target="_blank" style="` + styleButton + `">` +
				vs.htmlTemplate(html.EscapeString(bl.Text)) + `</a></td></tr></table>`)
		case BlockDivider:
			b.WriteString(`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td style="border-top:1px solid #d0d7de;font-size:0;line-height:0;height:1px">&nbsp;</td></tr></table>`)
		case BlockColumns:
			b.WriteString(`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>` +
				`<td width="50%" valign="top" style="padding-right:12px;` + styleText + `">` + vs.htmlTemplate(rich(bl.Left)) + `</td>` +
				`<td width="50%" valign="top" style="padding-left:12px;` + styleText + `">` + vs.htmlTemplate(rich(bl.Right)) + `</td></tr></table>`)
		}
		b.WriteString("</td></tr>")
	}
	b.WriteString(`<tr><td style="padding:16px 24px 24px;font-family:Arial,Helvetica,sans-serif;font-size:12px;color:#666666">` +
		`Вы получили это письмо как член профсоюза или подписчик рассылки. ` +
		`<a href="{{.UnsubscribeURL}}" style="color:#666666;text-decoration:underline">Отписаться от рассылки</a></td></tr>`)
	b.WriteString(`</table></td></tr></table></body></html>`)
	return b.String()
}

var richLink = regexp.MustCompile(`(?s)<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>`)

// richText is a formatted text as plain text: links written out.
func richText(s string) string {
	s = richLink.ReplaceAllStringFunc(richPolicy.Sanitize(s), func(a string) string {
		m := richLink.FindStringSubmatch(a)
		words := strings.TrimSpace(html.UnescapeString(textOnly.Sanitize(m[2])))
		href := html.UnescapeString(m[1])
		if words == "" || words == href || "mailto:"+words == href {
			return html.EscapeString(href)
		}
		return m[2] + " (" + html.EscapeString(href) + ")"
	})
	return htmlToText(s)
}

// blocksText is the text/template source of the letter's plain-text
// part (without the unsubscribe line, which parseTemplates adds).
func blocksText(bs []Block, vs varSet) string {
	var parts []string
	for _, bl := range bs {
		var p string
		switch bl.Type {
		case BlockHeading:
			p = strings.TrimSpace(bl.Text)
			if p != "" {
				p = strings.ToUpper(p[:0]) + p + "\n" + strings.Repeat("=", min(len([]rune(p)), 60))
			}
		case BlockText:
			p = richText(bl.Text)
		case BlockImage:
			if u, ok := absoluteURL(bl.URL, "http", "https"); ok {
				p = strings.TrimSpace(bl.Alt + " " + u)
			} else if bl.Alt != "" {
				p = "[" + strings.TrimSpace(bl.Alt) + "]"
			}
		case BlockButton:
			u, _ := absoluteURL(bl.URL, "http", "https", "mailto")
			p = strings.TrimSpace(bl.Text) + ": " + u
		case BlockDivider:
			p = "----------"
		case BlockColumns:
			p = strings.TrimSpace(richText(bl.Left) + "\n\n" + richText(bl.Right))
		}
		if p != "" {
			parts = append(parts, p)
		}
	}
	return vs.textTemplate(strings.Join(parts, "\n\n"))
}
