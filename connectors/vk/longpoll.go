package vk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/SevereCloud/vksdk/v3/api"
	"github.com/SevereCloud/vksdk/v3/events"
	longpoll "github.com/SevereCloud/vksdk/v3/longpoll-bot"

	"github.com/profhub/profhub/inbox"
)

// A long-poll worker runs for each enabled vk channel in longpoll mode.
// Every node runs them; two nodes polling one community both receive each
// event, and the inbox's idempotent ingest keeps one copy.

// superviseLongPoll keeps a worker per long-poll channel, picking up
// channels created, changed, disabled or deleted on any node.
func (c *Connector) superviseLongPoll(ctx context.Context) {
	w := &inbox.ChannelWorkers{Channels: c.inbox.Channels, Kind: inbox.KindVK, Every: c.t.rescanEvery, Log: c.log,
		Key: longPollKey, Work: c.pollChannel, Lease: inbox.DefaultChannelLease} // one long poll per community
	w.Run(ctx)
}

// longPollKey says whether a channel is polled and what its worker depends
// on: a new token, API address or group restarts it.
func longPollKey(ch inbox.Channel) (string, bool) {
	if mode(ch) != modeLongPoll {
		return "", false
	}
	sum := sha256.Sum256([]byte(ch.Secrets[secretToken] + "\x00" + apiURL(ch) + "\x00" + ch.Settings[setGroupID]))
	return hex.EncodeToString(sum[:]), true
}

// pollChannel runs the SDK's long poll in a loop: Run returns on any error
// (settings refused, server unreachable, a failed key), and we start it
// again after a growing pause, resuming from the last position whose
// events were all stored.
func (c *Connector) pollChannel(ctx context.Context, ch inbox.Channel) {
	c.log.Info("vk long poll started", "channel", ch.ID, "group_id", groupID(ch))
	var ts string
	failures := 0
	for ctx.Err() == nil {
		progressed, err := c.pollOnce(ctx, ch, &ts)
		if ctx.Err() != nil {
			break
		}
		if progressed {
			failures = 0
		}
		failures++
		wait := min(c.t.minBackoff<<min(failures-1, 10), c.t.maxBackoff)
		c.log.Warn("vk long poll interrupted; reconnecting", "channel", ch.ID, "err", err, "in", wait)
		if err != nil {
			c.reportError(ctx, ch.ID, fmt.Errorf("long poll: %s", describe(err)))
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
	c.log.Info("vk long poll stopped", "channel", ch.ID)
}

// pollOnce is one life of the SDK's long poll. progressed says whether
// it received anything before it ended.
func (c *Connector) pollOnce(ctx context.Context, ch inbox.Channel, ts *string) (progressed bool, err error) {
	vk := c.channelClient(ch)
	cctx, cancel := context.WithTimeout(ctx, c.t.callTimeout)
	srv, err := vk.GroupsGetLongPollServer(api.Params{"group_id": groupID(ch)}.WithContext(cctx))
	cancel()
	if err != nil {
		return false, err
	}
	lp := &longpoll.LongPoll{VK: vk, GroupID: groupID(ch), Server: srv.Server, Key: srv.Key, Ts: srv.Ts, Wait: 25,
		Client: c.http, FuncList: events.NewFuncList()}
	if *ts != "" {
		lp.Ts = *ts // resume: events since then are fetched again, and ingest drops repeats
	}
	// Handlers name the events Run asks VK to send; the events themselves
	// are read whole in FullResponse, with their event ids.
	lp.MessageNew(func(context.Context, events.MessageNewObject) {})
	lp.MessageEdit(func(context.Context, events.MessageEditObject) {})
	lp.MessageEvent(func(context.Context, events.MessageEventObject) {}) // rating buttons (rating.go)
	lp.WallReplyNew(func(context.Context, events.WallReplyNewObject) {})
	lp.WallReplyEdit(func(context.Context, events.WallReplyEditObject) {})
	lp.WallReplyDelete(func(context.Context, events.WallReplyDeleteObject) {})
	lp.WallReplyRestore(func(context.Context, events.WallReplyRestoreObject) {})
	lp.PhotoCommentNew(func(context.Context, events.PhotoCommentNewObject) {})
	lp.PhotoCommentEdit(func(context.Context, events.PhotoCommentEditObject) {})
	lp.PhotoCommentDelete(func(context.Context, events.PhotoCommentDeleteObject) {})
	lp.PhotoCommentRestore(func(context.Context, events.PhotoCommentRestoreObject) {})
	lp.BoardPostNew(func(context.Context, events.BoardPostNewObject) {})
	lp.BoardPostEdit(func(context.Context, events.BoardPostEditObject) {})
	lp.BoardPostDelete(func(context.Context, events.BoardPostDeleteObject) {})
	lp.BoardPostRestore(func(context.Context, events.BoardPostRestoreObject) {})
	var mu sync.Mutex
	var failed error
	lp.FullResponse(func(resp longpoll.Response) {
		progressed = true
		for _, u := range resp.Updates {
			ev := event{Type: string(u.Type), GroupID: u.GroupID, EventID: u.EventID, Object: json.RawMessage(u.Object)}
			if err := c.handleEvent(ctx, ch, ev, c.t.pollBudget); err != nil && !isPermanent(err) {
				mu.Lock()
				failed = err
				mu.Unlock()
				lp.Shutdown() // resume from *ts: nothing after the failure is lost
				return
			}
		}
		*ts = resp.Ts
		c.touch(ctx, ch.ID)
	})
	err = lp.RunWithContext(ctx)
	mu.Lock()
	defer mu.Unlock()
	if failed != nil {
		return progressed, failed
	}
	if err == nil && ctx.Err() == nil {
		err = errors.New("long poll ended")
	}
	return progressed, err
}

// isPermanent reports an ingest error that retrying cannot fix.
func isPermanent(err error) bool {
	return errors.Is(err, inbox.ErrChannelDisabled) || isValidation(err)
}

// describe names VK's error code, which the administrator can look up.
func describe(err error) string {
	var e *api.Error
	if errors.As(err, &e) {
		return fmt.Sprintf("VK error %d: %s", int(e.Code), e.Message)
	}
	return err.Error()
}
