package web_test

import (
	"strings"
	"testing"

	"github.com/profhub/profhub/internal/testkit/layouttest"
)

// TestLayout keeps the web layer's shape (see server.go): Server only
// assembles and mounts; the pages' handlers are methods of one small type
// per area in the ui_*.go and api_*.go files; the rendering (render.go),
// the chain (middleware.go, sessions.go) and the probes (health.go) are
// the only other places that write answers; no handler file reaches a
// database or a domain's store; and no type has more than 15 methods.
func TestLayout(t *testing.T) {
	layouttest.CheckRules(t, "web", layouttest.Rules{
		MaxMethods: 15,
		HandlerFile: func(name string) bool {
			return strings.HasPrefix(name, "ui_") || strings.HasPrefix(name, "api_")
		},
		SharedFile: func(name string) bool {
			return name == "render.go" || name == "middleware.go" || name == "health.go" || name == "sessions.go"
		},
		HandlerType:   func(recv string) bool { return recv != "Server" },
		StoreSelector: func(sel string) bool { return sel == "db" || sel == "DB" || strings.HasSuffix(sel, "Store") },
	})
}
