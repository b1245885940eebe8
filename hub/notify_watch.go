package hub

import (
	"context"
	"strconv"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/org"
)

// WatchNotices turns the states of mailings and channels into notices:
// a mailing that finished or paused with an alert tells its owner, a
// channel that a connector stopped tells the administrators. Every node
// runs it; each notice's key names the state it reports (the campaign and
// its change, the channel and its failure), so it is recorded once
// whichever node sees it first, and a restart repeats nothing.
// Every node runs it every 30 s; tests call it to not wait.
func (h *Hub) WatchNotices(ctx context.Context) error {
	sys := access.System("notifications")
	if err := h.watchMailings(ctx, sys); err != nil {
		return err
	}
	return h.watchChannels(ctx, sys)
}

// watchWindow is how old a change may be and still be told: a hub
// started after a long stop does not announce last month's mailings.
const watchWindow = 24 * time.Hour

func (h *Hub) watchMailings(ctx context.Context, sys access.Scope) error {
	cs, err := h.Mailing.Campaigns.ListCampaigns(ctx, sys, 100, 0)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.OwnerID == "" || time.Since(c.UpdatedAt) > watchWindow {
			continue
		}
		var n notify.Notice
		switch {
		case c.Status == mailing.StatusFinished:
			n = notify.Notice{Key: "mailing-finished:" + c.ID, Kind: notify.MailingFinished}
		case c.Status == mailing.StatusPaused && c.Alert != "":
			n = notify.Notice{Key: "mailing-paused:" + c.ID + ":" + strconv.FormatInt(c.UpdatedAt.UnixMilli(), 10), Kind: notify.MailingPaused}
		default:
			continue
		}
		n.UserID, n.Text, n.Link = c.OwnerID, c.Name, "/mailings#"+c.ID
		if _, err := h.Notify.Record(ctx, nil, n); err != nil {
			return err
		}
	}
	return nil
}

func (h *Hub) watchChannels(ctx context.Context, sys access.Scope) error {
	chs, err := h.Inbox.Channels.List(ctx, sys)
	if err != nil {
		return err
	}
	var admins []org.User
	for _, ch := range chs {
		st, err := h.Inbox.Channels.StatusOf(ctx, ch.ID)
		if err != nil || st.FailedCode == "" || time.Since(time.UnixMilli(st.FailedAt)) > watchWindow {
			continue
		}
		if admins == nil {
			if admins, err = h.Org.ListUsers(ctx, sys, org.UserFilter{Role: access.Administrator, Limit: 100}); err != nil {
				return err
			}
		}
		for _, a := range admins {
			_, err := h.Notify.Record(ctx, nil, notify.Notice{Key: "channel-failing:" + ch.ID + ":" + strconv.FormatInt(st.FailedAt, 10),
				UserID: a.ID, Kind: notify.ChannelFailing, Text: ch.Name + " · " + st.FailedReason, Link: "/settings/lines"})
			if err != nil {
				return err
			}
		}
	}
	return nil
}
