package vk

import (
	"context"
	"crypto/sha256"
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

type worker struct {
	fingerprint [32]byte
	cancel      context.CancelFunc
	done        chan struct{}
}

// superviseLongPoll matches workers to channels every few seconds, so
// channels created, changed, disabled or deleted on any node are picked up.
func (c *Connector) superviseLongPoll(ctx context.Context) {
	workers := map[string]*worker{}
	defer func() {
		for _, w := range workers {
			w.cancel()
		}
		for _, w := range workers {
			<-w.done
		}
	}()
	t := time.NewTicker(c.t.rescanEvery)
	defer t.Stop()
	for {
		c.matchWorkers(ctx, workers)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (c *Connector) matchWorkers(ctx context.Context, workers map[string]*worker) {
	chans, err := c.inbox.ChannelsOfKind(ctx, inbox.KindVK)
	if err != nil {
		if ctx.Err() == nil {
			c.log.Warn("vk: listing channels failed", "err", err)
		}
		return
	}
	want := map[string]inbox.Channel{}
	for _, ch := range chans {
		if mode(ch) == modeLongPoll {
			want[ch.ID] = ch
		}
	}
	for id, w := range workers {
		ch, ok := want[id]
		if !ok || fingerprint(ch) != w.fingerprint {
			w.cancel()
			<-w.done
			delete(workers, id)
		}
	}
	for id, ch := range want {
		if _, ok := workers[id]; ok {
			continue
		}
		wctx, cancel := context.WithCancel(ctx)
		w := &worker{fingerprint: fingerprint(ch), cancel: cancel, done: make(chan struct{})}
		workers[id] = w
		go func() {
			defer close(w.done)
			c.pollChannel(wctx, ch)
		}()
	}
}

// fingerprint changes when a worker must restart with new settings.
func fingerprint(ch inbox.Channel) [32]byte {
	return sha256.Sum256([]byte(ch.Secrets[secretToken] + "\x00" + apiURL(ch) + "\x00" + ch.Settings[setGroupID]))
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
