// Package archtest holds the tests that keep the package layout of
// ARCHITECTURE.md true: they read the import graph, the identifiers each
// package uses and the methods of its types (types_test.go), and fail when
// a change breaks a rule.
package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/profhub/profhub"

// domains are the packages the design card names (with their sub-packages);
// each owns its tables, services and routes.
var domains = []string{"inbox", "crm", "workflow", "mailing", "widget", "org", "web", "notify", "home", "workcal", "absence", "calendar", "worktime", "feed", "tasks", "chat", "privacy", "automation", "memberbot", "webhooks", "helpcentre"}

// goFile is one parsed non-test Go file of the module.
type goFile struct {
	pkg  string // import path relative to the module: "crm", "connectors/mail"
	name string
	ast  *ast.File
}

// repoFiles parses every non-test Go file of the module.
func repoFiles(t *testing.T) []goFile {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s: %v", root, err)
	}
	fset := token.NewFileSet()
	var files []goFile
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		if strings.HasSuffix(filepath.Base(rel), "test") {
			return nil // a test helper package (hubtest, dbtest, browsertest…): used by tests only
		}
		files = append(files, goFile{pkg: filepath.ToSlash(rel), name: filepath.Base(path), ast: f})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 100 {
		t.Fatalf("read only %d files: the walk went wrong", len(files))
	}
	return files
}

// top is the first element of a relative package path ("connectors/mail" → "connectors").
func top(pkg string) string { first, _, _ := strings.Cut(pkg, "/"); return first }

func isDomain(pkg string) bool {
	for _, d := range domains {
		if pkg == d || strings.HasPrefix(pkg, d+"/") {
			return true
		}
	}
	return false
}

// domainOf is the domain a package belongs to, or "".
func domainOf(pkg string) string {
	if isDomain(pkg) {
		return top(pkg)
	}
	return ""
}

// imports lists a file's imports of the module's own packages, relative.
func imports(f goFile) map[string]string {
	out := map[string]string{} // local name → relative path
	for _, imp := range f.ast.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		rel, ok := strings.CutPrefix(path, module+"/")
		if !ok {
			continue
		}
		name := rel[strings.LastIndex(rel, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		out[name] = rel
	}
	return out
}

// TestLayering: plumbing under internal/ stays plumbing, and no domain
// imports a channel connector (what a domain needs from one is a small
// interface of its own that hub satisfies, see hub/ports.go).
func TestLayering(t *testing.T) {
	var bad []string
	for _, f := range repoFiles(t) {
		for _, dep := range imports(f) {
			switch {
			case strings.HasPrefix(f.pkg, "internal/") && !strings.HasPrefix(dep, "internal/"):
				bad = append(bad, f.pkg+"/"+f.name+": plumbing imports "+dep)
			case isDomain(f.pkg) && top(dep) == "connectors":
				bad = append(bad, f.pkg+"/"+f.name+": domain imports connector "+dep)
			case top(dep) == "hub" || top(dep) == "cmd" || top(dep) == "demo":
				if top(f.pkg) != "hub" && top(f.pkg) != "cmd" && top(f.pkg) != "demo" {
					bad = append(bad, f.pkg+"/"+f.name+": imports the wiring package "+dep)
				}
			}
		}
	}
	report(t, bad)
}

// TestNoForeignStores: a domain or connector uses another domain's types
// and services, never its store (its SQL). The wiring (hub, cmd, demo)
// may hold every store.
func TestNoForeignStores(t *testing.T) {
	var bad []string
	for _, f := range repoFiles(t) {
		if w := top(f.pkg); w == "hub" || w == "cmd" || w == "demo" {
			continue
		}
		deps := imports(f)
		ast.Inspect(f.ast, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			x, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			dep, ok := deps[x.Name]
			if !ok || !isDomain(dep) || domainOf(dep) == domainOf(f.pkg) {
				return true
			}
			if strings.HasSuffix(sel.Sel.Name, "Store") || strings.HasPrefix(sel.Sel.Name, "NewStore") {
				bad = append(bad, f.pkg+"/"+f.name+": uses "+x.Name+"."+sel.Sel.Name)
			}
			return true
		})
	}
	report(t, bad)
}

// pending are the breaches the redesign has not removed yet, each with
// what removes it. A new breach fails; so does an entry here that no
// longer happens, so the list only shrinks.
var pending = map[string]string{}

func report(t *testing.T, bad []string) {
	t.Helper()
	mine := map[string]string{}
	for b, why := range pending {
		if strings.Contains(t.Name(), kindOf(b)) {
			mine[b] = why
		}
	}
	reportWith(t, bad, mine)
}

// reportWith fails on every breach not in known and on every entry of
// known that no longer happens.
func reportWith(t *testing.T, bad []string, known map[string]string) {
	t.Helper()
	sort.Strings(bad)
	bad = compactStrings(bad)
	seen := map[string]bool{}
	for _, b := range bad {
		if _, ok := known[b]; ok {
			seen[b] = true
			continue
		}
		t.Error(b)
	}
	for b := range known {
		if !seen[b] {
			t.Errorf("%q no longer happens: remove it from its list", b)
		}
	}
}

// kindOf tells which test reports a breach, so each test checks only its
// own pending entries.
func kindOf(breach string) string {
	if strings.Contains(breach, ": uses ") {
		return "NoForeignStores"
	}
	return "Layering"
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
