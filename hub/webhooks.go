package hub

import (
	"context"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/webhooks"
)

// The webhooks follow the inbox's event log and the appeals' history
// through ports satisfied here, and watch the mailing campaigns' status.
// PROFHUB_WEBHOOKS_ALLOW_PRIVATE lets endpoints reach loopback and
// private addresses (an integration inside the union's own network).

func (h *Hub) newWebhooks() *webhooks.Service {
	return webhooks.New(webhooks.Deps{DB: h.DB, Log: h.Log, Box: h.Box, NodeID: h.NodeID,
		Events:       inboxEventLog{h},
		Feeds:        map[string]webhooks.Feed{"appeals": appealFeed{h.CRM.Appeals}},
		AllowPrivate: h.Config.WebhooksAllowPrivate})
}

type inboxEventLog struct{ h *Hub }

func (l inboxEventLog) LoggedAfter(ctx context.Context, seq int64, limit int) ([]webhooks.LogEntry, error) {
	evs, err := l.h.Inbox.Events.LoggedAfter(ctx, seq, limit)
	out := make([]webhooks.LogEntry, len(evs))
	for i, e := range evs {
		out[i] = webhooks.LogEntry{Seq: e.Seq, Kind: e.Kind, At: e.At, Payload: e.Payload}
	}
	return out, err
}

func (l inboxEventLog) LastLogged(ctx context.Context) (int64, error) {
	return l.h.Inbox.Events.LastLogged(ctx)
}

type appealFeed struct{ a *crm.Appeals }

func (f appealFeed) FeedAfter(ctx context.Context, cursor string, limit int) ([]webhooks.FeedEntry, error) {
	lines, err := f.a.FeedAfter(ctx, cursor, limit)
	out := make([]webhooks.FeedEntry, len(lines))
	for i, l := range lines {
		out[i] = webhooks.FeedEntry{Cursor: l.ID, ID: "appeal-" + l.ID, Type: webhooks.AppealChanged, At: l.At, Data: l}
	}
	return out, err
}

func (f appealFeed) FeedEnd(ctx context.Context) (string, error) { return f.a.FeedEnd(ctx) }

// watchCampaigns notes the status of the newest campaigns; a change is a
// mailing.changed event.
func (h *Hub) watchCampaigns(ctx context.Context) error {
	sc := access.System("webhooks")
	list, err := h.Mailing.Campaigns.ListCampaigns(ctx, sc, 200, 0)
	if err != nil {
		return err
	}
	items := make([]webhooks.Observed, len(list))
	for i, c := range list {
		items[i] = webhooks.Observed{ID: c.ID, State: string(c.Status), Data: map[string]any{
			"campaign_id": c.ID, "name": c.Name, "status": c.Status, "total": c.Total, "updated_at": c.UpdatedAt}}
	}
	_, err = h.Webhooks.Observe(ctx, "mailing", webhooks.MailingChanged, items)
	return err
}
