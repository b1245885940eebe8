package telephony

import (
	"context"

	"github.com/profhub/profhub/internal/security/access"
)

// Staff is what telephony needs from the staff directory: the channel's
// extensions name operators by login, and the call log and statistics show
// operators by full name. The hub satisfies it over org's store.
type Staff interface {
	// UserIDByLogin returns the id of the user with this login (disabled
	// ones too), or an error wrapping db.ErrNotFound.
	UserIDByLogin(ctx context.Context, login string) (string, error)
	// FullName returns the full name of a user sc may see.
	FullName(ctx context.Context, sc access.Scope, id string) (string, error)
}
