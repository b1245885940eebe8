package mailing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
)

// messengerSender sends a campaign's Telegram or VK messages through one
// bot or community.
type messengerSender struct {
	channel   string // telegram, vk
	channelID string // the inbox channel
	unitID    string // the campaign's, for the audit of a suppression
	m         Messenger
	pace      *pacer
	workers   int
}

// Campaign pace per bot: Telegram allows about 30 messages a second per
// bot; a campaign keeps to 20 so the operators' replies through the same
// bot still fit. VK is paced inside the connector, per community token,
// together with the replies.
const (
	telegramCampaignRate = 20
	telegramWorkers      = 8
	vkWorkers            = 4
)

func (s *Service) openMessenger(ctx context.Context, c Campaign, channel string) (*messengerSender, error) {
	m := s.messenger(channel)
	if m == nil {
		return nil, fmt.Errorf("this hub does not send campaigns over %s", channel)
	}
	if err := s.checkMessengerChannel(ctx, channel, c.Messengers[channel]); err != nil {
		return nil, err
	}
	ms := &messengerSender{channel: channel, channelID: c.Messengers[channel], unitID: c.UnitID, m: m, pace: newPacer(0), workers: vkWorkers}
	if channel == ChannelTelegram {
		ms.pace, ms.workers = newPacer(telegramCampaignRate), telegramWorkers
	}
	return ms, nil
}

func (set *senderSet) messengerWorker(j *job, ms *messengerSender, q <-chan item, out chan<- outcome) {
	for it := range q {
		r, ok := set.prepare(j, &it, out)
		if !ok {
			continue
		}
		if messageUnits(r.Message) > maxMessageUnits {
			out <- outcome{seq: it.seq, status: RecipientFailed, reason: "the message is longer than 4096 characters"}
			continue
		}
		text := r.Message
		if ms.channel == ChannelVK {
			text = r.MessageText
		}
		j.deliverMessage(ms, it, out, text)
	}
}

// deliverMessage tries one message until the provider takes it or refuses
// it for good, or the job stops. A wait the provider asks for (Telegram's
// 429 retry_after, VK's errors 6 and 9) is kept and is not an outage;
// network failures are retried with backoff and count towards the
// campaign's outage budget. A member who blocked the bot or community is
// suppressed on that channel, so later campaigns skip them.
func (j *job) deliverMessage(ms *messengerSender, it item, out chan<- outcome, text string) {
	key := fmt.Sprintf("%s.%d", j.id, it.seq)
	backoff := j.s.tune.RetryBackoff
	for {
		if !j.mayStillSend() || ms.pace.wait(j.ctx) != nil || !j.mayStillSend() {
			j.inflight.Add(-1)
			return
		}
		id, err := ms.m.SendCampaign(j.ctx, ms.channelID, it.address, text, key)
		if err == nil {
			j.working()
			out <- outcome{seq: it.seq, status: RecipientSent, providerID: id}
			return
		}
		if j.ctx.Err() != nil {
			j.inflight.Add(-1) // it may or may not have gone; VK drops a resend by its random_id
			return
		}
		var se *inbox.SendError
		if errors.As(err, &se) {
			switch {
			case se.Permanent:
				j.working()
				o := outcome{seq: it.seq, status: RecipientFailed, reason: se.Reason}
				if se.Blocked {
					o.blocked, o.blockedUnitID = &it, ms.unitID
				}
				out <- o
				return
			case se.RetryAfter > 0:
				j.s.log.Info("campaign waits as the provider asked", "campaign", j.id, "channel", ms.channel, "for", se.RetryAfter)
				j.sleep(se.RetryAfter)
				continue
			default:
				j.working()
				out <- outcome{seq: it.seq, reason: se.Reason} // refused for now: retried on a later pass
				return
			}
		}
		j.s.log.Warn("campaign message not sent; retrying", "campaign", j.id, "channel", ms.channel, "err", err, "in", backoff)
		j.failing(err)
		j.sleep(backoff)
		backoff = min(backoff*2, 10*time.Second)
	}
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
func (s *Service) MessengerChannels(ctx context.Context, sc access.Scope) ([]MessengerChannel, error) {
	if err := requireSend(sc); err != nil {
		return nil, err
	}
	out := []MessengerChannel{}
	if s.d.Inbox == nil {
		return out, nil
	}
	for _, kind := range messengerChannels {
		if s.messenger(kind) == nil {
			continue
		}
		chs, err := s.d.Inbox.ChannelsOfKind(ctx, kind)
		if err != nil {
			return nil, err
		}
		for _, ch := range chs {
			out = append(out, MessengerChannel{ID: ch.ID, Channel: kind, Name: ch.Name})
		}
	}
	return out, nil
}
