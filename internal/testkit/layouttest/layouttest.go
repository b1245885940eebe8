// Package layouttest checks a domain package's shape from its source, the
// one rule the split packages share (tests only): HTTP handlers are
// methods only of the small *Handlers types in the *_routes.go files,
// those files reach the database only through the services (no SQL, no
// db field), and no type collects more than maxMethods methods.
package layouttest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// Check reads the Go files of the current directory (the package under
// test) and fails t where the package breaks the shape.
func Check(t *testing.T, pkg string, maxMethods int) {
	t.Helper()
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
		routes := strings.HasSuffix(name, "_routes.go") || name == "routes.go"
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil {
				continue
			}
			recv := receiverName(fn.Recv.List[0].Type)
			methods[recv]++
			if takesResponseWriter(fn) && (!routes || !strings.HasSuffix(recv, "Handlers")) {
				t.Errorf("%s: handler %s.%s: handlers belong to a *Handlers type in a *_routes.go file", name, recv, fn.Name.Name)
			}
		}
		if !routes {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.BasicLit:
				if x.Kind == token.STRING && sqlLike(x.Value) {
					t.Errorf("%s: SQL in a routes file: %.40s", fset.Position(x.Pos()), x.Value)
				}
			case *ast.SelectorExpr:
				if x.Sel.Name == "db" {
					t.Errorf("%s: a handler reaches the database; call a service", fset.Position(x.Pos()))
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
		t.Fatalf("found methods on only %d types: is the test reading the %s package?", len(methods), pkg)
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
