package hub

import (
	"context"
	"strconv"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/org"
)

// The states of mailings and channels become notices: a mailing that
// finished or paused with an alert tells its owner, a channel that a
// connector stopped tells the administrators. The news comes as events
// (mailing.Deps.Ended, inbox.Alerter.ChannelFailed) on the node where the
// change happened, so the bell rings at once. Each notice's key names the
// state it reports (the campaign and its change, the channel and its
// failure), so it is recorded once however often it is told.

// noticeSweep is how often every node also looks at all mailings and
// channels (WatchNotices): only to catch an event lost with a node that
// stopped between storing a change and telling it.
const noticeSweep = 5 * time.Minute

// watchWindow is how old a change may be and still be told: a hub
// started after a long stop does not announce last month's mailings.
const watchWindow = 24 * time.Hour

// WatchNotices is the sweep: it tells every recent state again (the
// keys make that harmless). Tests call it to not wait.
func (h *Hub) WatchNotices(ctx context.Context) error {
	sys := access.System("notifications")
	cs, err := h.Mailing.Campaigns.ListCampaigns(ctx, sys, 100, 0)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if err := h.campaignNotice(ctx, c); err != nil {
			return err
		}
	}
	chs, err := h.Inbox.Channels.List(ctx, sys)
	if err != nil {
		return err
	}
	var admins []org.User
	for _, ch := range chs {
		if admins, err = h.channelNotice(ctx, ch, admins); err != nil {
			return err
		}
	}
	return nil
}

// campaignEnded is mailing's event: the campaign finished or paused itself.
func (h *Hub) campaignEnded(ctx context.Context, id string) {
	c, err := h.Mailing.Campaigns.GetCampaign(ctx, access.System("notifications"), id)
	if err == nil {
		err = h.campaignNotice(ctx, c)
	}
	if err != nil {
		h.Log.Warn("mailing notice not recorded; the sweep will try again", "campaign", id, "err", err)
	}
}

// channelFailed is the inbox's event: a connector stopped the channel.
func (h *Hub) channelFailed(ctx context.Context, id string) error {
	ch, err := h.Inbox.Channels.Get(ctx, id)
	if err != nil {
		return err
	}
	_, err = h.channelNotice(ctx, ch, nil)
	return err
}

// campaignNotice tells a campaign's owner that it finished, or paused
// with an alert; other states tell nothing.
func (h *Hub) campaignNotice(ctx context.Context, c mailing.Campaign) error {
	if c.OwnerID == "" || time.Since(c.UpdatedAt) > watchWindow {
		return nil
	}
	var n notify.Notice
	switch {
	case c.Status == mailing.StatusFinished:
		n = notify.Notice{Key: "mailing-finished:" + c.ID, Kind: notify.MailingFinished}
	case c.Status == mailing.StatusPaused && c.Alert != "":
		n = notify.Notice{Key: "mailing-paused:" + c.ID + ":" + strconv.FormatInt(c.UpdatedAt.UnixMilli(), 10), Kind: notify.MailingPaused}
	default:
		return nil
	}
	n.UserID, n.Text, n.Link = c.OwnerID, c.Name, "/mailings#"+c.ID
	_, err := h.Notify.Record(ctx, nil, n)
	return err
}

// channelNotice tells the administrators of a channel's recent failure.
// admins is the list when the caller has it (nil: read here); it is
// returned for the next channel.
func (h *Hub) channelNotice(ctx context.Context, ch inbox.Channel, admins []org.User) ([]org.User, error) {
	st, err := h.Inbox.Channels.StatusOf(ctx, ch.ID)
	if err != nil || st.FailedCode == "" || time.Since(time.UnixMilli(st.FailedAt)) > watchWindow {
		return admins, nil
	}
	if admins == nil {
		sys := access.System("notifications")
		if admins, err = h.Org.ListUsers(ctx, sys, org.UserFilter{Role: access.Administrator, Limit: 100}); err != nil {
			return nil, err
		}
	}
	for _, a := range admins {
		_, err := h.Notify.Record(ctx, nil, notify.Notice{Key: "channel-failing:" + ch.ID + ":" + strconv.FormatInt(st.FailedAt, 10),
			UserID: a.ID, Kind: notify.ChannelFailing, Text: ch.Name + " · " + st.FailedReason, Link: "/settings/lines"})
		if err != nil {
			return admins, err
		}
	}
	return admins, nil
}
