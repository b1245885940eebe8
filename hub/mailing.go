package hub

import (
	"context"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/mailing"
)

// newMailing builds the mailing services. Its unsubscribe links are signed
// with a key derived from the hub's secret key, so every node of an
// installation accepts every other node's links.
func newMailing(h *Hub, tune mailing.Tuning) (*mailing.Services, error) {
	key := h.Config.SecretKey
	if key == "" {
		k, _, err := secretbox.LocalKey()
		if err != nil {
			return nil, err
		}
		key = k
	}
	// Campaigns go over the inbox's bots and communities too.
	messengers := map[string]mailing.Messenger{mailing.ChannelTelegram: h.telegram, mailing.ChannelVK: h.vk}
	return mailing.New(mailing.Deps{DB: h.DB, KV: h.KV, CRM: h.CRM, Inbox: officeChats{inboxChats{h.Inbox}, h}, Messengers: messengers, Box: h.Box, Blobs: h.Blobs,
		Log: h.Log, Metrics: h.Metrics, NodeID: h.NodeID, PublicBase: func() string { return h.Config.BaseURL }, TokenKey: mailing.TokenKeyFrom(key), Tune: tune,
		Ended: h.campaignEnded})
}

// MailingChats is mailing's view of the inbox (mailing.Chats): the channel
// registry for the bots, the engine for who opened a chat with one.
func MailingChats(e *inbox.Services) mailing.Chats { return inboxChats{e} }

type inboxChats struct{ e *inbox.Services }

func (c inboxChats) Channel(ctx context.Context, id string) (inbox.Channel, error) {
	return c.e.Channels.Get(ctx, id)
}

func (c inboxChats) ChannelsOfKind(ctx context.Context, kind string) ([]inbox.Channel, error) {
	return c.e.Channels.OfKind(ctx, kind)
}

func (c inboxChats) LinkedChats(ctx context.Context, channelID string) (map[string]string, error) {
	return c.e.Conversations.LinkedChats(ctx, channelID)
}

// officeChats adds the chats members linked to their cards through the
// member's office (a member who linked by code but never wrote a
// question has no conversation yet) to those the inbox knows.
type officeChats struct {
	inboxChats
	h *Hub
}

func (c officeChats) LinkedChats(ctx context.Context, channelID string) (map[string]string, error) {
	chats, err := c.inboxChats.LinkedChats(ctx, channelID)
	if err != nil || c.h.MemberBot == nil {
		return chats, err
	}
	linked, err := c.h.MemberBot.ChatsOfChannel(ctx, channelID)
	if err != nil {
		return nil, err
	}
	if chats == nil {
		chats = map[string]string{}
	}
	for member, chat := range linked {
		chats[member] = chat // the member's own confirmed link wins
	}
	return chats, nil
}
