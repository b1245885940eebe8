package mailing

import (
	"context"
	"errors"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Messengers are the Telegram bots and VK communities of the inbox that
// campaigns send through, and the connectors that send for them (given
// in Deps.Messengers, fixed from then on).
type Messengers struct {
	chats Chats                // nil: campaigns cannot use Telegram or VK
	by    map[string]Messenger // by channel: telegram, vk
}

func (s *Messengers) get(channel string) Messenger {
	return s.by[channel]
}

// check makes sure a campaign's bot or community is an inbox channel of
// the right kind that this node can send through.
func (s *Messengers) check(ctx context.Context, kind, id string) error {
	if s.chats == nil || s.get(kind) == nil {
		return valid.Errorf("messengers."+kind, "unavailable", "this hub does not send campaigns over %s", kind)
	}
	ch, err := s.chats.Channel(ctx, id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && (ch.Kind != kind || ch.Disabled)) {
		return valid.Errorf("messengers."+kind, "channel", "%s is not an enabled %s channel", id, kind)
	}
	return err
}

// MessengerChannel is a bot or community a campaign can send through.
type MessengerChannel struct {
	ID      string `json:"id"`
	Channel string `json:"channel"` // telegram, vk
	Name    string `json:"name"`
}

// MessengerChannels lists the enabled Telegram bots and VK communities of
// the inbox, for the campaign editor. A bot serves the whole union, like
// the inbox line it belongs to, so every sender may choose it.
func (s *Messengers) MessengerChannels(ctx context.Context, sc access.Scope) ([]MessengerChannel, error) {
	if err := requireSend(sc); err != nil {
		return nil, err
	}
	out := []MessengerChannel{}
	if s.chats == nil {
		return out, nil
	}
	for _, kind := range messengerChannels {
		if s.get(kind) == nil {
			continue
		}
		chs, err := s.chats.ChannelsOfKind(ctx, kind)
		if err != nil {
			return nil, err
		}
		for _, ch := range chs {
			out = append(out, MessengerChannel{ID: ch.ID, Channel: kind, Name: ch.Name})
		}
	}
	return out, nil
}
