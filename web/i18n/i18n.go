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
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
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
