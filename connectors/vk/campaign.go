package vk

import (
	"context"
	"strconv"

	"github.com/SevereCloud/vksdk/v3/api"

	"github.com/profhub/profhub/inbox"
)

// SendCampaign sends one message of a mass mailing (package mailing) to a
// peer through a channel's community, as plain text. key names the
// recipient's ledger row: the random_id is derived from it, so a resend
// after a crash is dropped by VK itself. Errors are *inbox.SendError
// where VK said why (RetryAfter for its rate limits, Permanent and
// Blocked when the member blocked the community).
func (c *Connector) SendCampaign(ctx context.Context, channelID, peer, text, key string) (string, error) {
	ch, err := c.inbox.Channels.Get(ctx, channelID)
	if err != nil {
		return "", err
	}
	if ch.Kind != inbox.KindVK || ch.Secrets[secretToken] == "" {
		return "", &inbox.SendError{Permanent: true, Reason: "channel " + channelID + " is not a VK community with a token"}
	}
	p, err := strconv.Atoi(peer)
	if err != nil || p == 0 {
		return "", &inbox.SendError{Permanent: true, Reason: "not a VK peer id: " + peer}
	}
	cctx, cancel := context.WithTimeout(ctx, c.t.callTimeout)
	defer cancel()
	id, err := c.channelClient(ch).MessagesSend(api.Params{"peer_id": p, "random_id": randomID(key, 0), "message": text}.WithContext(cctx))
	if err != nil {
		return "", classify(err)
	}
	return strconv.Itoa(id), nil
}
