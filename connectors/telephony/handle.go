package telephony

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/inbox"
)

// Handle stores authenticated events of one channel and does what follows
// from them: the caller's card pops up at a ringing extension, a missed
// call enters the queue, a recording is fetched, a click-to-call request
// learns its outcome. It returns an error only when the events were not
// stored (the PBX should deliver them again); what follows the commit is
// retried by the worker if it fails.
func (c *Connector) Handle(ctx context.Context, ch inbox.Channel, evs []Event) error {
	if len(evs) == 0 {
		return nil
	}
	unitID, err := c.lineUnit(ctx, ch)
	if err != nil {
		return fmt.Errorf("telephony: line of channel %s: %w", ch.ID, err)
	}
	var order []string
	byCall := map[string][]Event{}
	for _, e := range evs {
		if _, seen := byCall[e.CallID]; !seen {
			order = append(order, e.CallID)
		}
		byCall[e.CallID] = append(byCall[e.CallID], e)
	}
	for _, id := range order {
		res, err := c.store(ctx, ch, unitID, id, byCall[id])
		if err != nil {
			return err
		}
		if res.newEvents == 0 {
			continue // a redelivery: everything it caused has happened
		}
		c.afterStore(ctx, ch, res)
	}
	return nil
}

func (c *Connector) afterStore(ctx context.Context, ch inbox.Channel, res applied) {
	if res.call.State == "ringing" || res.call.AnsweredAt.IsZero() {
		for _, ext := range res.ringing {
			if uid := c.userOfExtension(ctx, ch, ext); uid != "" {
				c.screenPop(ctx, ch, res, uid)
			}
		}
	}
	if res.call.State == "ended" {
		if res.call.Direction == DirIn && res.call.Result != ResAnswered && res.conversation == "" {
			if err := c.queueMissedCall(ctx, ch, res.callID); err != nil {
				c.log.Warn("missed call not queued yet; the worker retries", "call", res.callID, "err", err)
			}
		}
		if res.call.Direction == DirOut {
			c.matchCallback(ctx, ch, res)
		}
	}
	if res.recording {
		c.poke()
	}
}
