package i18n

import (
	"regexp"
	"strings"
	"unicode"
)

// names are the Latin-script words a Russian text may hold: formats,
// protocols and products, which have no Russian name.
var names = map[string]bool{
	"e": true, "mail": true, "sms": true, "telegram": true, "vk": true, "pdf": true, "png": true, "jpeg": true, "jpg": true,
	"gif": true, "webp": true, "xlsx": true, "xls": true, "csv": true, "utf": true, "windows": true, "excel": true,
	"json": true, "tls": true, "starttls": true, "smtp": true, "imap": true, "api": true, "url": true, "http": true,
	"https": true, "s": true, "html": true, "webhook": true, "callback": true, "botfather": true, "mango": true,
	"office": true, "zadarma": true, "profhub": true, "bom": true, "id": true, "totp": true, "qr": true, "google": true,
	"authenticator": true, "freeotp": true, "ctrl": true, "enter": true, "a": true, "z": true, "bearer": true,
	"authorization": true, "message": true, "vpbx": true, "www": true, "mb": true, "kb": true,
}

// EnglishWords lists the Latin-script words of s that are not names of
// formats or products: a Russian text with any has English in it. Things
// that are not words — identifiers (due_on), addresses (a@b.c, https://…),
// settings (101=ivanova), {{.GivenName}} — are left alone, and so is
// what stands in «quotes»: a value the user gave, quoted back to them.
func EnglishWords(s string) []string {
	var out []string
	for _, tok := range strings.Fields(quoted.ReplaceAllString(s, "«»")) {
		tok = strings.Trim(tok, "«»()[],.;:!?\"'—…")
		if strings.ContainsAny(tok, "_@=/:{}.") {
			continue
		}
		for _, w := range strings.FieldsFunc(tok, func(r rune) bool { return r > unicode.MaxASCII || !unicode.IsLetter(r) }) {
			if !names[strings.ToLower(w)] {
				out = append(out, w)
			}
		}
	}
	return out
}

var quoted = regexp.MustCompile(`«[^»]*»`)

func isCyrillic(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }
