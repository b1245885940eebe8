package workflow_test

import (
	"encoding/xml"
	"os"
	"strings"
	"testing"

	"github.com/profhub/profhub/workflow"
)

func TestDiagramIsWellFormedSVG(t *testing.T) {
	for _, def := range workflow.Builtin() {
		def.Name = `<script>alert("x")</script> & co`
		svg := def.Diagram(def.Start)
		dec := xml.NewDecoder(strings.NewReader(string(svg)))
		for {
			tok, err := dec.Token()
			if err != nil {
				if err.Error() != "EOF" {
					t.Fatalf("%s: not well-formed: %v", def.ID, err)
				}
				break
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "script" {
				t.Fatalf("%s: a script element in the diagram", def.ID)
			}
		}
		for _, s := range def.Steps {
			if !strings.Contains(string(svg), string([]rune(s.Name)[:min(len([]rune(s.Name)), 30)])) {
				t.Errorf("%s: step %q not drawn", def.ID, s.Name)
			}
		}
		if dir := os.Getenv("PROFHUB_DIAGRAM_DIR"); dir != "" {
			_ = os.WriteFile(dir+"/"+def.ID+".svg", svg, 0o644)
		}
	}
}
