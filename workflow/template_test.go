package workflow_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/workflow"
)

func TestTemplates(t *testing.T) {
	f := newFixture(t, dbtest.Open(t))
	tp, err := f.s.Templates.SaveTemplate(f.ctx, f.sec, workflow.Template{Kind: workflow.KindOutgoing, Name: "Ответ в прокуратуру",
		Fields: workflow.DocumentInput{Correspondent: "Прокуратура области", Delivery: "почта", Priority: workflow.PriorityHigh}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Templates.AddTemplateFile(f.ctx, f.sec, tp.ID, "бланк.docx", "application/octet-stream", strings.NewReader("бланк")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Templates.SaveTemplate(f.ctx, f.exec1, workflow.Template{Kind: workflow.KindOutgoing, Name: "x"}); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("executor saves a template: %v", err)
	}
	if list, _ := f.s.Templates.Templates(f.ctx, f.secB, ""); len(list) != 0 {
		t.Fatalf("committee B sees A's templates: %+v", list)
	}
	doc := f.register(t, workflow.DocumentInput{TemplateID: tp.ID, Title: "Ответ по делу № 5"})
	if doc.Kind != workflow.KindOutgoing || doc.Correspondent != "Прокуратура области" || doc.Priority != workflow.PriorityHigh || doc.Delivery != "почта" {
		t.Fatalf("template fields not applied: %+v", doc)
	}
	atts, err := f.s.Files.Attachments(f.ctx, f.sec, doc.ID)
	if err != nil || len(atts) != 1 || atts[0].Name != "бланк.docx" {
		t.Fatalf("template file not attached: %+v %v", atts, err)
	}
	_, rc, err := f.s.Files.OpenAttachment(f.ctx, f.sec, atts[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "бланк" {
		t.Fatalf("content %q", b)
	}
	if _, err := f.s.Documents.Register(f.ctx, f.sec, workflow.DocumentInput{Kind: workflow.KindIncoming, TemplateID: tp.ID, Title: "x"}); !valid.Is(err) {
		t.Fatalf("template of another kind: %v", err)
	}
}
