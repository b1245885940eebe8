package web_test

import (
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/web/browsertest"
)

// TestWidgetTriggersInChromium: the administrator adds a proactive message
// to the demo's site widget, sees it listed and switches it off; the
// dialog fits 390 px (web/browsertest/widget-triggers.test.mjs;
// screenshots widget-triggers, at desktop width and 390 px).
func TestWidgetTriggersInChromium(t *testing.T) {
	n := demoHub(t)
	browsertest.Run(t, browsertest.Script{Name: "widget-triggers.test.mjs", Base: n.Server.URL, Timeout: 3 * time.Minute,
		Env: []string{"PROFHUB_ADMIN_PASSWORD=" + hubtest.AdminPassword}})
}
