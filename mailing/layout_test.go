package mailing_test

import (
	"testing"

	"github.com/profhub/profhub/internal/testkit/layouttest"
)

// maxMethods is "one screen": a mailing type with more methods than
// this has grown more than one job and should be split again.
const maxMethods = 15

// TestLayout keeps the mailing package's shape, as crm's: HTTP handlers
// are methods only of the small *Handlers types in the *_routes.go files,
// those files reach the database only through the services (no SQL, no
// db field), and no type collects more than maxMethods methods.
func TestLayout(t *testing.T) { layouttest.Check(t, "mailing", maxMethods) }
