package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/web/browsertest"
	"github.com/profhub/profhub/workflow"
)

// TestTasksInChromium: a chairman assigns a task from a document and
// sees it done. The chairman opens the document, sets a task for an
// executor from its tasks block (a task without an assignee is refused
// in Russian); the executor, in a second browser, starts it, ticks the
// checklist and submits it for check; the chairman accepts it and sees
// "Выполнена" on the task and in the document's block
// (web/browsertest/tasks.test.mjs; screenshots tasks.png, tasks-390.png).
func TestTasksInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	const pw = "tasks-password"
	browsertest.Users(t, n, n.Root.ID, pw, browsertest.User{Login: "chair", Role: access.Chairman},
		browsertest.User{Login: "exec", Role: access.Executor})
	doc, err := n.Docs.Documents.Register(ctx, n.System, workflow.DocumentInput{Kind: workflow.KindInternal,
		Title: "О подготовке отчётно-выборной конференции"})
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "tasks.test.mjs", Base: n.Server.URL, Timeout: 3 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=" + pw, "PROFHUB_DOC=" + doc.ID, "PROFHUB_DOC_NUMBER=" + doc.Number}})
}
