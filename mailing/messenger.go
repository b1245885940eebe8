package mailing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/profhub/profhub/inbox"
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

func (r *Runner) openMessenger(ctx context.Context, c Campaign, channel string) (*messengerSender, error) {
	m := r.messengers.get(channel)
	if m == nil {
		return nil, fmt.Errorf("this hub does not send campaigns over %s", channel)
	}
	if err := r.messengers.check(ctx, channel, c.Messengers[channel]); err != nil {
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
		ms.deliver(j, it, out, text)
	}
}

// deliver tries one message until the provider takes it or refuses
// it for good, or the job stops. A wait the provider asks for (Telegram's
// 429 retry_after, VK's errors 6 and 9) is kept and is not an outage;
// network failures are retried with backoff and count towards the
// campaign's outage budget. A member who blocked the bot or community is
// suppressed on that channel, so later campaigns skip them.
func (ms *messengerSender) deliver(j *job, it item, out chan<- outcome, text string) {
	key := fmt.Sprintf("%s.%d", j.id, it.seq)
	backoff := j.r.tune.RetryBackoff
	for {
		if !j.mayStillSend() || ms.pace.wait(j.ctx) != nil || !j.mayStillSend() {
			j.inflight.Add(-1)
			return
		}
		id, err := ms.m.SendCampaign(j.ctx, ms.channelID, it.address, text, key)
		if err == nil {
			j.outage.reset()
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
				j.outage.reset()
				o := outcome{seq: it.seq, status: RecipientFailed, reason: se.Reason}
				if se.Blocked {
					o.blocked, o.blockedUnitID = &it, ms.unitID
				}
				out <- o
				return
			case se.RetryAfter > 0:
				j.r.log.Info("campaign waits as the provider asked", "campaign", j.id, "channel", ms.channel, "for", se.RetryAfter)
				j.sleep(se.RetryAfter)
				continue
			default:
				j.outage.reset()
				out <- outcome{seq: it.seq, reason: se.Reason} // refused for now: retried on a later pass
				return
			}
		}
		j.r.log.Warn("campaign message not sent; retrying", "campaign", j.id, "channel", ms.channel, "err", err, "in", backoff)
		j.failing(err)
		j.sleep(backoff)
		backoff = min(backoff*2, 10*time.Second)
	}
}
