package web_test

import (
	"testing"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/web/browsertest"
)

// TestRolesLanguageAndTimeInChromium: the operator's menu holds only what
// opens for them, every error a page receives is Russian, and the
// documents page and the inbox show one instant alike in the
// installation's zone, then in the user's own (web/browsertest/roles.test.mjs).
func TestRolesLanguageAndTimeInChromium(t *testing.T) {
	n := browsertest.Start(t)
	const pw = "roles-password"
	browsertest.Users(t, n, n.Root.ID, pw,
		browsertest.User{Login: "op1", Role: access.Operator},
		browsertest.User{Login: "sec1", Role: access.Secretary})
	browsertest.Run(t, browsertest.Script{Name: "roles.test.mjs", Base: n.Server.URL, Env: []string{"PROFHUB_PASSWORD=" + pw}})
}
