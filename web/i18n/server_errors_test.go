package i18n

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/profhub/profhub/internal/httpapi"
)

// errorSite is one valid.Errorf or valid.Refuse in the source: the keys
// its message is looked up by and how many values it formats.
type errorSite struct {
	pos   string
	keys  []string
	nargs int // -1: passed on with args...
}

// errorSites finds every valid.Errorf(field, code, …),
// valid.Keyed(field, code, key, …) and valid.Refuse(sentinel, key, …)
// outside tests, so that a message added
// anywhere without its translation fails TestServerErrorsAreTranslated.
func errorSites(t *testing.T) []errorSite {
	t.Helper()
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	var sites []errorSite
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || len(call.Args) < 3 {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "valid" || (sel.Sel.Name != "Errorf" && sel.Sel.Name != "Refuse" && sel.Sel.Name != "Keyed") {
				return true
			}
			site := errorSite{pos: fset.Position(call.Pos()).String(), nargs: len(call.Args) - 3}
			if sel.Sel.Name == "Keyed" {
				// valid.Keyed(field, code, key, format, …): the key names it.
				key, ok := stringLit(call.Args[2])
				if !ok || len(call.Args) < 4 {
					t.Errorf("%s: valid.Keyed needs a literal key", site.pos)
					return true
				}
				site.keys, site.nargs = []string{"err." + key}, len(call.Args)-4
				if call.Ellipsis.IsValid() {
					site.nargs = -1
				}
				sites = append(sites, site)
				return true
			}
			if call.Ellipsis.IsValid() {
				site.nargs = -1
			}
			code, ok := stringLit(call.Args[1])
			if !ok {
				// A code passed on from another validation error
				// (valid.Errorf(ve.Field, ve.Code, …)) was checked where it was made.
				return true
			}
			if sel.Sel.Name == "Refuse" {
				site.keys = []string{"err." + code}
			} else {
				site.keys = httpapi.MessageKeys(code, fieldText(call.Args[0]))
			}
			sites = append(sites, site)
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(sites) < 300 {
		t.Fatalf("found only %d error sites: is the walk reading the source?", len(sites))
	}
	return sites
}

func stringLit(e ast.Expr) (string, bool) {
	if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
		s, err := strconv.Unquote(b.Value)
		return s, err == nil
	}
	return "", false
}

// fieldText is the field as far as the source says it: a literal, the
// literal start of "settings."+k, or the format of
// fmt.Sprintf("events[%d].id", i); "" when it is all made at run time.
func fieldText(e ast.Expr) string {
	if s, ok := stringLit(e); ok {
		return s
	}
	switch x := e.(type) {
	case *ast.BinaryExpr:
		s, _ := stringLit(x.X)
		return s
	case *ast.CallExpr:
		if len(x.Args) > 0 {
			s, _ := stringLit(x.Args[0])
			return s
		}
	}
	return ""
}

// TestServerErrorsAreTranslated: every message the server can refuse
// with has Russian (and English) text in the catalogue, under a key its
// field and code lead to, taking no more values than the call gives.
func TestServerErrorsAreTranslated(t *testing.T) {
	for _, s := range errorSites(t) {
		key := ""
		for _, k := range s.keys {
			if _, ok := catalogues["ru"][k]; ok {
				key = k
				break
			}
		}
		if key == "" {
			t.Errorf("%s: no translation under %v", s.pos, s.keys)
			continue
		}
		for _, lang := range Languages {
			text, ok := catalogues[lang][key]
			if !ok {
				t.Errorf("%s: %s.json lacks %s", s.pos, lang, key)
				continue
			}
			if s.nargs >= 0 && Verbs(text) > s.nargs {
				t.Errorf("%s: %s %q takes %d values, the call gives %d", s.pos, lang, key, Verbs(text), s.nargs)
			}
		}
		if words := EnglishWords(withoutVerbs(catalogues["ru"][key])); len(words) > 0 {
			t.Errorf("%s: the Russian text of %s has English words %v", s.pos, key, words)
		}
	}
}

// TestEveryKeyHasRussian: every key of the catalogue reads in Russian —
// it has Cyrillic, or is only names that have none (formats, products) —
// and no server error's text has English words in it.
func TestEveryKeyHasRussian(t *testing.T) {
	for _, k := range Keys("ru") {
		v := catalogues["ru"][k]
		if v == "" {
			t.Errorf("%s is empty", k)
			continue
		}
		if !strings.ContainsFunc(v, isCyrillic) && len(EnglishWords(v)) > 0 {
			t.Errorf("%s = %q has no Russian", k, v)
		}
		if strings.HasPrefix(k, "err.") {
			if words := EnglishWords(withoutVerbs(v)); len(words) > 0 {
				t.Errorf("%s = %q has English words %v", k, v, words)
			}
			if n := Verbs(v); n > 0 {
				args := make([]any, n)
				for i := range args {
					args[i] = anyVerb{}
				}
				if s, _ := Lookup("ru", k, args...); strings.Contains(s, "%!") {
					t.Errorf("%s does not format: %q", k, s)
				}
			}
		}
	}
}

var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0-9.]*[a-zA-Z%]`)

// withoutVerbs drops a format's verbs (%d, %[2]s), which are not words.
func withoutVerbs(s string) string { return verb.ReplaceAllString(s, "") }

// anyVerb formats under every verb, so a test formats a template
// without knowing the types of its values.
type anyVerb struct{}

func (anyVerb) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte("1")) }

func TestEnglishWords(t *testing.T) {
	for in, want := range map[string]string{
		"Неверный адрес e-mail":             "",
		"Файл Excel (XLSX) или CSV в UTF-8": "",
		"not found":               "not found",
		"Поле due_on: нужна дата": "",
		"Проверьте https://union.example и 101=ivanova": "",
		"Неверный JSON: unexpected end":                 "unexpected end",
		"Логин «sec» уже занят, «two words» тоже":       "",
	} {
		if got := strings.Join(EnglishWords(in), " "); got != want {
			t.Errorf("EnglishWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestVerbsAndFormatting(t *testing.T) {
	for in, want := range map[string]int{"": 0, "100%%": 0, "%d": 1, "%s: %q": 2, "%[2]s и %[1]s": 2, "от %[3]g до %[4]g": 4, "%5.1f%%": 1} {
		if got := Verbs(in); got != want {
			t.Errorf("Verbs(%q) = %d, want %d", in, got, want)
		}
	}
	// A translation may leave out a value the English shows, without
	// "%!(EXTRA …)" at its end.
	if got, _ := Lookup("ru", "err.pbx_refused", "timeout", "extra"); got != "АТС не начала звонок: «timeout»" {
		t.Errorf("extra values spilt into %q", got)
	}
	if got, _ := Lookup("ru", "err.vk_group", 42, "Профком", "7"); got != "Ключ принадлежит другому сообществу (42, «Профком»), а не 7" {
		t.Errorf("indexed values: %q", got)
	}
	if _, ok := Lookup("ru", "err.no.such.key"); ok {
		t.Error("Lookup found a missing key")
	}
}
