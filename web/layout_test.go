package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// maxMethods is "one screen": a web type with more methods than this has
// grown more than one job and should be split again.
const maxMethods = 15

// TestLayout keeps the web layer's shape (see server.go): Server only
// assembles and mounts; the pages' handlers are methods of one small type
// per area in the ui_*.go and api_*.go files; the rendering (render.go),
// the chain (middleware.go, sessions.go) and the probes (health.go) are the only other
// places that write answers; no handler file reaches a database or a
// domain's store; and no type collects more than maxMethods methods.
func TestLayout(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]int{}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		handlers := strings.HasPrefix(name, "ui_") || strings.HasPrefix(name, "api_")
		shared := name == "render.go" || name == "middleware.go" || name == "health.go" || name == "sessions.go"
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil {
				continue
			}
			recv := receiverName(fn.Recv.List[0].Type)
			methods[recv]++
			if !takesResponseWriter(fn) {
				continue
			}
			switch {
			case recv == "Server":
				t.Errorf("%s: handler Server.%s: Server only mounts; give the page area's type the handler", name, fn.Name.Name)
			case !handlers && !shared:
				t.Errorf("%s: handler %s.%s: handlers belong to a page type in a ui_*.go or api_*.go file", name, recv, fn.Name.Name)
			}
		}
		if !handlers {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.BasicLit:
				if x.Kind == token.STRING && sqlLike(x.Value) {
					t.Errorf("%s: SQL in a handler file: %.40s", fset.Position(x.Pos()), x.Value)
				}
			case *ast.SelectorExpr:
				if s := x.Sel.Name; s == "db" || s == "DB" || strings.HasSuffix(s, "Store") {
					t.Errorf("%s: a handler reaches %s; call a service through a small interface", fset.Position(x.Pos()), s)
				}
			}
			return true
		})
	}
	for recv, n := range methods {
		if n > maxMethods {
			t.Errorf("%s has %d methods, more than one screen (%d): split it along its jobs", recv, n, maxMethods)
		}
	}
	if len(methods) < 10 {
		t.Fatalf("found methods on only %d types: is the test reading the web package?", len(methods))
	}
}

func receiverName(e ast.Expr) string {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return "?"
}

func takesResponseWriter(fn *ast.FuncDecl) bool {
	for _, p := range fn.Type.Params.List {
		if sel, ok := p.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "ResponseWriter" {
			return true
		}
	}
	return false
}

func sqlLike(lit string) bool {
	u := strings.ToUpper(lit)
	return strings.Contains(u, "SELECT ") || strings.Contains(u, "INSERT INTO") || strings.Contains(u, "DELETE FROM") ||
		strings.Contains(u, "UPDATE ") && strings.Contains(u, " SET ")
}
