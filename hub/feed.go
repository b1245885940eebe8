package hub

import (
	"context"

	"github.com/profhub/profhub/feed"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/notify"
)

// The feed reads the documents' activity feed (*workflow.Activity) and
// the appeals (*crm.Appeals) through its own ports, as they are, and
// tells people through the notification centre.

func (h *Hub) newFeed() *feed.Service {
	return feed.New(feed.Deps{DB: h.DB, Blobs: h.Blobs, Log: h.Log, Zone: h.Config.Zone(), Alerts: FeedAlerts(h.Notify),
		Documents: h.Docs.Activity, Appeals: h.CRM.Appeals})
}

// FeedAlerts is the notification centre as the feed tells people (the
// demo uses it too).
func FeedAlerts(n *notify.Service) feed.Alerter { return feedAlerts{n} }

type feedAlerts struct{ n *notify.Service }

func (a feedAlerts) Alert(ctx context.Context, tx db.Execer, al feed.Alert) error {
	_, err := a.n.Record(ctx, tx, notify.Notice{Key: al.Key, UserID: al.UserID, Kind: al.Kind, Text: al.Text, Link: al.Link})
	return err
}
