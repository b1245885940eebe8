// Package i18n translates the UI. Every user-visible string goes through T
// with a key; the catalogues are embedded JSON files, one per language, and
// a test keeps them in step. Russian is the default.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

//go:embed *.json
var files embed.FS

// Default is the language used when a user has none or an unknown one.
const Default = "ru"

// Languages lists the languages with a catalogue.
var Languages = []string{"ru", "en"}

var catalogues = mustLoad()

func mustLoad() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, lang := range Languages {
		b, err := files.ReadFile(lang + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: %s.json: %v", lang, err))
		}
		out[lang] = m
	}
	return out
}

// T returns the text of key in lang, formatted with args. A missing key
// shows itself, which makes it easy to spot and is caught by the tests.
func T(lang, key string, args ...any) string {
	if !slices.Contains(Languages, lang) {
		lang = Default
	}
	s, ok := catalogues[lang][key]
	if !ok {
		s, ok = catalogues[Default][key]
	}
	if !ok {
		return key
	}
	return format(s, args)
}

// Lookup is T for a key that may be missing: ok is false when no
// catalogue has it. Server errors are looked up this way, so a message
// without a translation keeps its own (English) text.
func Lookup(lang, key string, args ...any) (text string, ok bool) {
	if !slices.Contains(Languages, lang) {
		lang = Default
	}
	s, ok := catalogues[lang][key]
	if !ok {
		s, ok = catalogues[Default][key]
	}
	if !ok {
		return "", false
	}
	return format(s, args), true
}

// format fills s with as many of args as it names: a translation may
// leave out a value the English message shows (a Go error's text, say),
// and must not then end in "%!(EXTRA …)".
func format(s string, args []any) string {
	if len(args) == 0 {
		return s
	}
	n := Verbs(s)
	if n == 0 {
		return strings.ReplaceAll(s, "%%", "%")
	}
	if n < len(args) {
		args = args[:n]
	}
	return fmt.Sprintf(s, args...)
}

// Verbs is how many arguments the format s takes: its verbs, or the
// highest explicit index ("%[2]s") when it is larger.
func Verbs(s string) int {
	n, next := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		i++
		if i < len(s) && s[i] == '%' {
			continue
		}
		// Flags, width and precision, or an explicit index.
		for i < len(s) && strings.IndexByte("+-# 0123456789.[]", s[i]) >= 0 {
			if s[i] == '[' {
				j := strings.IndexByte(s[i:], ']')
				if j < 0 {
					break
				}
				var idx int
				if _, err := fmt.Sscanf(s[i+1:i+j], "%d", &idx); err == nil {
					next = idx - 1
				}
				i += j
			}
			i++
		}
		next++
		n = max(n, next)
	}
	return n
}

// Has reports whether key exists.
func Has(key string) bool {
	_, ok := catalogues[Default][key]
	return ok
}

// Keys returns the keys of lang's catalogue, for tests.
func Keys(lang string) []string {
	var out []string
	for k := range catalogues[lang] {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Negotiate picks a language from an Accept-Language header, for pages
// shown before sign-in.
func Negotiate(acceptLanguage string) string {
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if slices.Contains(Languages, base) {
			return base
		}
	}
	return Default
}
