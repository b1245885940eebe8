package httpapi

import (
	"context"
	"errors"
	"fmt"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// Dependency tells whether something every request leans on (the
// database) is known to be out of reach right now; *db.DB is one. The
// answer must cost no round trip.
type Dependency interface {
	Unavailable() error
}

type dependencyKey struct{}

// WithDependency makes d known to the request's error answers.
func WithDependency(ctx context.Context, d Dependency) context.Context {
	return context.WithValue(ctx, dependencyKey{}, d)
}

// DuringOutage turns a "not found", "forbidden" or "not signed in" into
// the outage it probably is when the request's database is known to be
// down. Code that looks a row up and maps any failure to "not found"
// would otherwise tell a caller with a good token that it is unknown —
// and make well-behaved clients drop messages instead of retrying. Errors
// already classified keep their meaning.
func DuringOutage(ctx context.Context, err error) error {
	if err == nil || db.IsUnavailable(err) {
		return err
	}
	d, _ := ctx.Value(dependencyKey{}).(Dependency)
	if d == nil {
		return err
	}
	if !errors.Is(err, db.ErrNotFound) && !errors.Is(err, blob.ErrNotFound) && !errors.Is(err, access.ErrForbidden) &&
		!errors.Is(err, auth.ErrNoSession) && !errors.Is(err, auth.ErrBadCredentials) {
		return err
	}
	if down := d.Unavailable(); down != nil {
		return fmt.Errorf("%w (the answer would have been: %v)", down, err)
	}
	return err
}
