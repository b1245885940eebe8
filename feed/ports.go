package feed

import (
	"context"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/workflow"
)

// The feed reads the events of other domains through these ports, in the
// caller's scope, so it shows nothing the reader could not open. A nil
// port leaves its events out.

// DocumentEvents is the documents' activity feed (*workflow.Activity,
// the source of the documents page's "Лента событий").
type DocumentEvents interface {
	Feed(ctx context.Context, sc access.Scope, before string, limit int) ([]workflow.FeedItem, error)
}

// Appeals lists appeal cards, newest first (*crm.Appeals, as the home
// page reads them).
type Appeals interface {
	ListAppeals(ctx context.Context, sc access.Scope, f crm.AppealFilter) (crm.AppealPage, error)
}
