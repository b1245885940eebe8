package memberbot

import (
	"context"
	"strings"
)

// Subscriptions: the member turns each kind of mailing on or off per
// channel. Informational mailings need the card's mailing consent for the
// channel, advertising ones also the advertising consent (package mailing
// chooses recipients by these), so a button changes the consent on the
// card, dated and with the bot as its source, through the card's history
// like any change of it; the next campaign of that kind skips the channel.

// subsChannels are the channels a member may switch, as the bot names them.
var subsChannels = []struct{ key, label string }{
	{"telegram", "Telegram"}, {"vk", "ВКонтакте"}, {"email", "E-mail"}, {"sms", "SMS"}, {"advertising", "Акции и скидки"},
}

const (
	markOn  = "✅ "
	markOff = "⬜ "
)

// subsToggle reads a subscription button: the channel it switches.
func (s *Service) subsToggle(text string) (string, bool) {
	for _, p := range []string{markOn, markOff} {
		if rest, ok := strings.CutPrefix(text, p); ok {
			for _, c := range subsChannels {
				if rest == c.label {
					return c.key, true
				}
			}
		}
	}
	return "", false
}

func subscribed(m Member, key string) bool {
	if key == "advertising" {
		return m.Advertising
	}
	return m.Mailings[key]
}

func (s *Service) subsReply(m Member) Reply {
	var rows [][]string
	var row []string
	for _, c := range subsChannels {
		mark := markOff
		if subscribed(m, c.key) {
			mark = markOn
		}
		row = append(row, mark+c.label)
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	rows = append(rows, append(row, BtnMenu))
	return Reply{Text: "Подписки на рассылки профсоюза. ✅ — включено, ⬜ — выключено. Нажмите, чтобы переключить. " +
		"«Акции и скидки» — рекламные рассылки (ПрофДисконт) по включённым каналам.", Keyboard: rows}
}

func (s *Service) toggle(ctx context.Context, m Message, key string) (Reply, bool, error) {
	l, err := s.store.linkOf(ctx, m.ChannelID, m.UserID)
	if err != nil {
		return s.askPhone(ctx, m)
	}
	mem, err := s.d.Members.Member(ctx, l.MemberID)
	if err != nil {
		return Reply{}, true, err
	}
	on := !subscribed(mem, key)
	source := "бот " + map[string]string{"telegram": "Telegram", "vk": "ВКонтакте"}[m.Kind]
	if err := s.d.Members.SetConsent(ctx, mem.ID, key, on, strings.TrimSpace(source)); err != nil {
		return Reply{}, true, err
	}
	s.count(ctx, m.Kind, ActSubs)
	if mem, err = s.d.Members.Member(ctx, l.MemberID); err != nil {
		return Reply{}, true, err
	}
	r := s.subsReply(mem)
	r.Text = "Сохранено."
	return r, true, nil
}
