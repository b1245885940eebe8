package web_test

import (
	"testing"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/browsertest"
)

// TestDocumentsInChromium walks the three document routes through the UI in
// real Chromium (web/browsertest/documents.test.mjs): the incoming letter
// from registration through resolution, the deputy's assignment and two
// executors to closure; the outgoing reply to dispatch; an internal order
// to acquaintance. Runs with PROFHUB_TEST_BROWSER=1, like
// TestConsoleInChromium.
func TestDocumentsInChromium(t *testing.T) {
	n := browsertest.Start(t)
	const pw = "documents-password"
	committee := n.AddUnit(t, "", org.Committee, "Обком профсоюза образования")
	browsertest.Users(t, n, committee.ID, pw, browsertest.User{Login: "secretary", Role: access.Secretary},
		browsertest.User{Login: "chairman", Role: access.Chairman}, browsertest.User{Login: "deputy", Role: access.Deputy},
		browsertest.User{Login: "ivanova", Role: access.Executor}, browsertest.User{Login: "petrov", Role: access.Executor})
	browsertest.Run(t, browsertest.Script{Name: "documents.test.mjs", Base: n.Server.URL,
		Env: []string{"PROFHUB_PASSWORD=" + pw}, Timeout: 3 * time.Minute})
}
