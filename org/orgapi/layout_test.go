package orgapi_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// TestLayout: the directory's handlers are methods of the small *Handlers
// types in the *_routes.go files, which call org's store and never run SQL
// of their own.
func TestLayout(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	handlers := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil {
				continue
			}
			recv := fn.Recv.List[0].Type
			if s, ok := recv.(*ast.StarExpr); ok {
				recv = s.X
			}
			id, _ := recv.(*ast.Ident)
			if id == nil || !strings.HasSuffix(id.Name, "Handlers") || !strings.HasSuffix(name, "_routes.go") {
				t.Errorf("%s: method %s: the package holds only *Handlers types in *_routes.go files", name, fn.Name.Name)
			}
			handlers++
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if x, ok := n.(*ast.BasicLit); ok && x.Kind == token.STRING {
				u := strings.ToUpper(x.Value)
				if strings.Contains(u, "SELECT ") || strings.Contains(u, "INSERT INTO") || strings.Contains(u, "DELETE FROM") {
					t.Errorf("%s: SQL in a routes file: %.40s", fset.Position(x.Pos()), x.Value)
				}
			}
			return true
		})
	}
	if handlers < 10 {
		t.Fatalf("found only %d handlers: is the test reading the orgapi package?", handlers)
	}
}
