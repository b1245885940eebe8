package mailing

import (
	"html"
	"regexp"
	"strings"
	"unicode/utf16"

	"github.com/microcosm-cc/bluemonday"
)

// telegramHTML keeps only the tags Telegram's HTML parse mode knows, so
// a template with other markup is trimmed rather than refused by Telegram
// for every recipient. The template's own escaping (html/template) has
// already made the member's values inert.
var telegramHTML = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "blockquote")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "tg", "mailto")
	p.RequireParseableURLs(true)
	return p
}()

var linkWithText = regexp.MustCompile(`(?s)<a href="([^"]*)"[^>]*>(.*?)</a>`)

// maxMessageUnits is Telegram's (and about VK's) limit of one message.
const maxMessageUnits = 4096

// messengerTexts turns a rendered message into its Telegram form (HTML
// subset, line breaks kept: Telegram shows them) and its VK form (plain
// text, a link's address after its text). Block elements Telegram does
// not know end in a line break.
func messengerTexts(rendered string) (tg, vk string) {
	tg = strings.TrimSpace(telegramHTML.Sanitize(blockEnd.ReplaceAllStringFunc(rendered, func(tag string) string {
		if strings.Contains(strings.ToLower(tag), "br") {
			return "\n"
		}
		return tag + "\n" // the end of a paragraph, heading or row
	})))
	tg = blankLines.ReplaceAllString(tg, "\n\n")
	links := linkWithText.ReplaceAllStringFunc(tg, func(a string) string {
		m := linkWithText.FindStringSubmatch(a)
		if strings.TrimSpace(m[2]) == m[1] {
			return m[2]
		}
		return m[2] + " (" + m[1] + ")"
	})
	vk = strings.TrimSpace(html.UnescapeString(textOnly.Sanitize(links)))
	return tg, vk
}

// messageUnits counts what Telegram counts: UTF-16 units of the visible text.
func messageUnits(tgHTML string) int {
	return len(utf16.Encode([]rune(html.UnescapeString(textOnly.Sanitize(tgHTML)))))
}
