package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/demo"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/web/browsertest"
)

// TestMenuInChromium: on the demo at 1366 px the header holds on one
// line for the chairman, the secretary, an operator and the
// administrator; a group opens by mouse and by keyboard (Enter, the
// arrows, Escape) and one open group closes another; on a 390 px phone
// the menu button shows every group open as a heading over its entries
// (web/browsertest/menu.test.mjs; screenshots menu-*.png).
func TestMenuInChromium(t *testing.T) {
	n := demoHub(t)
	admin := n.AddUser(t, "menu.admin", access.Administrator, n.Root.ID, demo.Password)
	// a name as long as the demo's, for the header's width
	if _, err := n.DB.ExecContext(context.Background(), `UPDATE users SET full_name = $1 WHERE id = $2`,
		"Администратор Александра Константиновна", admin.ID); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "menu.test.mjs", Base: n.Server.URL, Timeout: 2 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=" + demo.Password}})
}
