package archtest

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// maxMethods is "one screen" of a type: a domain type with more methods
// than this does more than one job, and a newcomer cannot find the one
// method to change.
const maxMethods = 40

// typeInfo is what the shape tests know of one named type of a package.
type typeInfo struct {
	methods  int
	handlers []string // methods taking (http.ResponseWriter, *http.Request)
	sql      []string // methods whose body holds an SQL statement
	holdsDB  bool     // a field is a database handle (*db.DB, *sql.DB, *sql.Tx)
	holds    []string // types of this package its fields hold (a shared core, its Deps)
}

// packageTypes indexes the named types of every package by "pkg.Type"
// ("inbox.Routing", "connectors/mail.Connector").
func packageTypes(files []goFile) map[string]*typeInfo {
	types := map[string]*typeInfo{}
	get := func(pkg, name string) *typeInfo {
		k := pkg + "." + name
		if types[k] == nil {
			types[k] = &typeInfo{}
		}
		return types[k]
	}
	for _, f := range files {
		for _, d := range f.ast.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					ts, ok := s.(*ast.TypeSpec)
					if !ok {
						continue
					}
					st, ok := ts.Type.(*ast.StructType)
					if !ok {
						continue
					}
					ti := get(f.pkg, ts.Name.Name)
					for _, field := range st.Fields.List {
						if isDBHandle(field.Type) {
							ti.holdsDB = true
						}
						if id, ok := deref(field.Type).(*ast.Ident); ok {
							ti.holds = append(ti.holds, id.Name)
						}
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil || len(d.Recv.List) == 0 {
					continue
				}
				id, ok := deref(d.Recv.List[0].Type).(*ast.Ident)
				if !ok {
					continue
				}
				ti := get(f.pkg, id.Name)
				ti.methods++
				if isHandler(d.Type) {
					ti.handlers = append(ti.handlers, d.Name.Name)
				}
				if d.Body != nil && runsSQL(d.Body) {
					ti.sql = append(ti.sql, d.Name.Name)
				}
			}
		}
	}
	// A type whose field holds the handle holds it too (workflow's services
	// share a *core; mailing's Service keeps its Deps).
	for changed := true; changed; {
		changed = false
		for k, ti := range types {
			pkg := k[:strings.LastIndex(k, ".")]
			for _, e := range ti.holds {
				if inner := types[pkg+"."+e]; inner != nil && inner.holdsDB && !ti.holdsDB {
					ti.holdsDB, changed = true, true
				}
			}
		}
	}
	return types
}

func deref(e ast.Expr) ast.Expr {
	if s, ok := e.(*ast.StarExpr); ok {
		return s.X
	}
	return e
}

// isDBHandle: *db.DB (the module's), *sql.DB or *sql.Tx.
func isDBHandle(e ast.Expr) bool {
	sel, ok := deref(e).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && (x.Name == "db" && sel.Sel.Name == "DB" || x.Name == "sql" && (sel.Sel.Name == "DB" || sel.Sel.Name == "Tx"))
}

// isHandler: the function takes an http.ResponseWriter and an *http.Request.
func isHandler(ft *ast.FuncType) bool {
	var w, r bool
	for _, p := range ft.Params.List {
		switch t := p.Type.(type) {
		case *ast.SelectorExpr:
			w = w || t.Sel.Name == "ResponseWriter"
		case *ast.StarExpr:
			if sel, ok := t.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "Request" {
				r = true
			}
		}
	}
	return w && r
}

// runsSQL: the body holds a string that reads as an SQL statement.
func runsSQL(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && sqlLike(lit.Value) {
			found = true
		}
		return !found
	})
	return found
}

func sqlLike(lit string) bool {
	if s, err := strconv.Unquote(lit); err == nil {
		lit = s
	}
	u := strings.ToUpper(strings.Join(strings.Fields(lit), " "))
	return strings.Contains(u, "SELECT ") && strings.Contains(u, " FROM ") || strings.Contains(u, "INSERT INTO ") ||
		strings.Contains(u, "DELETE FROM ") || strings.HasPrefix(u, "UPDATE ") && strings.Contains(u, " SET ")
}

// TestHandlersOffStores: an HTTP handler is never a method of a store — a
// type named …Store, or a type that holds the database handle and runs SQL
// in its methods. Handlers are small types over services (as crm's
// *Handlers in *_routes.go); stores know SQL only.
func TestHandlersOffStores(t *testing.T) {
	var bad []string
	for k, ti := range packageTypes(repoFiles(t)) {
		if len(ti.handlers) == 0 {
			continue
		}
		name := k[strings.LastIndex(k, ".")+1:]
		switch {
		case strings.HasSuffix(name, "Store"):
			bad = append(bad, k+": HTTP handlers on a store")
		case ti.holdsDB && len(ti.sql) > 0:
			bad = append(bad, k+": HTTP handlers on a type that runs SQL")
		}
	}
	reportWith(t, bad, handlersOnStores)
}

// TestTypeSize: no type of a domain has more than maxMethods methods.
func TestTypeSize(t *testing.T) {
	types := packageTypes(repoFiles(t))
	if len(types) < 100 {
		t.Fatalf("indexed only %d types: the walk went wrong", len(types))
	}
	var known []string
	for k, ti := range types {
		if !isDomain(k[:strings.LastIndex(k, ".")]) || ti.methods <= maxMethods {
			continue
		}
		if _, ok := bigTypes[k]; ok {
			known = append(known, k)
			continue
		}
		t.Errorf("%s has %d methods, more than one screen (%d): split it along its jobs", k, ti.methods, maxMethods)
	}
	reportWith(t, known, bigTypes)
}

// handlersOnStores are the types that still serve HTTP and run SQL, each
// with what removes it. A new one fails; so does an entry that no longer
// happens, so the list only shrinks. It is empty: every handler is a
// method of a small handler type over services.
var handlersOnStores = map[string]string{}

// bigTypes are the domain types over maxMethods, each with what removes
// it; the list only shrinks. It is empty.
var bigTypes = map[string]string{}
