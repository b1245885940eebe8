package telephony

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The connector reaches the member registry only through its Members
// port: none of its files imports another domain's package.
func TestImportsNoDomainStore(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	forbidden := []string{"github.com/profhub/profhub/crm", "github.com/profhub/profhub/workflow", "github.com/profhub/profhub/mailing",
		"github.com/profhub/profhub/widget", "github.com/profhub/profhub/hub"}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, im := range af.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			for _, bad := range forbidden {
				if p == bad || strings.HasPrefix(p, bad+"/") {
					t.Errorf("%s imports %s; go through a port that the hub satisfies", f, p)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no source files read")
	}
}
