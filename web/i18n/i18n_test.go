package i18n

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	ru, en := Keys("ru"), Keys("en")
	for _, k := range ru {
		if !slices.Contains(en, k) {
			t.Errorf("en.json lacks %q", k)
		}
	}
	for _, k := range en {
		if !slices.Contains(ru, k) {
			t.Errorf("ru.json lacks %q", k)
		}
	}
}

// Every {{t .Lang "key"}} in the templates must exist in the catalogues.
func TestTemplatesUseKnownKeys(t *testing.T) {
	re := regexp.MustCompile(`\bt \$?\.?[A-Za-z.]*Lang "([^"]+)"`)
	files, _ := filepath.Glob("../templates/*.html")
	if len(files) == 0 {
		t.Fatal("no templates found")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if !Has(m[1]) {
				t.Errorf("%s uses unknown key %q", filepath.Base(f), m[1])
			}
		}
	}
}

func TestNegotiateAndFallback(t *testing.T) {
	tests := map[string]string{"en-US,en;q=0.9": "en", "ru-RU": "ru", "de": "ru", "": "ru", "de, en;q=0.5": "en"}
	for in, want := range tests {
		if got := Negotiate(in); got != want {
			t.Errorf("Negotiate(%q) = %q, want %q", in, got, want)
		}
	}
	if T("xx", "nav.inbox") != T("ru", "nav.inbox") {
		t.Error("unknown language does not fall back to Russian")
	}
	if T("en", "no.such.key") != "no.such.key" {
		t.Error("missing key does not show itself")
	}
}
