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

// Rules say where a package keeps its handlers. The zero value of each
// field is the domain packages' rule.
type Rules struct {
	// MaxMethods is "one screen": a type with more has grown more than one job.
	MaxMethods int
	// HandlerFile says whether a file may hold handlers (and so must not
	// reach a store); default: *_routes.go and routes.go.
	HandlerFile func(name string) bool
	// SharedFile says whether a file may write answers on any type without
	// being a handler file (the web's rendering and middleware); default: none.
	SharedFile func(name string) bool
	// HandlerType says whether a type may have handlers in a handler file;
	// default: its name ends in "Handlers".
	HandlerType func(recv string) bool
	// StoreSelector says whether a selector in a handler file reaches a
	// store; default: "db".
	StoreSelector func(sel string) bool
	// Services must each have methods: a check that the test reads the
	// package it means to. Without them, at least ten types must.
	Services []string
}

// Check reads the Go files of the current directory (the package under
// test) and fails t where the package breaks the domain packages' shape.
func Check(t *testing.T, pkg string, maxMethods int) {
	t.Helper()
	CheckRules(t, pkg, Rules{MaxMethods: maxMethods})
}

// CheckRules is Check with a package's own rules.
func CheckRules(t *testing.T, pkg string, r Rules) {
	t.Helper()
	r.defaults()
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
		handlers := r.HandlerFile(name)
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
			case !r.HandlerType(recv):
				t.Errorf("%s: handler %s.%s: %s may not have handlers", name, recv, fn.Name.Name, recv)
			case !handlers && !r.SharedFile(name):
				t.Errorf("%s: handler %s.%s: handlers belong in the package's handler files", name, recv, fn.Name.Name)
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
				if r.StoreSelector(x.Sel.Name) {
					t.Errorf("%s: a handler reaches %s; call a service", fset.Position(x.Pos()), x.Sel.Name)
				}
			}
			return true
		})
	}
	for recv, n := range methods {
		if n > r.MaxMethods {
			t.Errorf("%s has %d methods, more than one screen (%d): split it along its jobs", recv, n, r.MaxMethods)
		}
	}
	for _, svc := range r.Services {
		if methods[svc] == 0 {
			t.Errorf("no methods on the service %s: is the test reading the %s package?", svc, pkg)
		}
	}
	if len(r.Services) == 0 && len(methods) < 10 {
		t.Fatalf("found methods on only %d types: is the test reading the %s package?", len(methods), pkg)
	}
}

func (r *Rules) defaults() {
	if r.HandlerFile == nil {
		r.HandlerFile = func(name string) bool { return strings.HasSuffix(name, "_routes.go") || name == "routes.go" }
	}
	if r.SharedFile == nil {
		r.SharedFile = func(string) bool { return false }
	}
	if r.HandlerType == nil {
		r.HandlerType = func(recv string) bool { return strings.HasSuffix(recv, "Handlers") }
	}
	if r.StoreSelector == nil {
		r.StoreSelector = func(sel string) bool { return sel == "db" }
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
