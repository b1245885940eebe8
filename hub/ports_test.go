package hub

import (
	"testing"

	"github.com/profhub/profhub/connectors/mail"
	"github.com/profhub/profhub/workflow"
)

// The workflow reads a document's files up to its own copy of the mail
// connector's cap; the two must not drift apart.
func TestLetterFileCapsAgree(t *testing.T) {
	if workflow.MaxLetterFiles != mail.MaxLetterFiles {
		t.Fatalf("workflow.MaxLetterFiles = %d, mail.MaxLetterFiles = %d", workflow.MaxLetterFiles, mail.MaxLetterFiles)
	}
}
