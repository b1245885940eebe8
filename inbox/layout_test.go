package inbox_test

import (
	"testing"

	"github.com/profhub/profhub/internal/testkit/layouttest"
)

// TestLayout keeps the inbox's shape: HTTP handlers are methods only of
// the small *Handlers types in the *_routes.go files, those files reach
// the stores only through the services (no SQL, no db or kv field), and
// no type collects more than 25 methods.
func TestLayout(t *testing.T) {
	layouttest.CheckRules(t, "inbox", layouttest.Rules{
		MaxMethods:    25,
		StoreSelector: func(sel string) bool { return sel == "db" || sel == "kv" },
		Services:      []string{"Ingestion", "Routing", "Presence", "Dispatch", "Actions", "Events", "Attachments", "Pacing"},
	})
}
