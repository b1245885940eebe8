package inbox

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// A channel lease makes one node of a cluster the only one that runs a
// channel's worker (a bot's getUpdates, a VK group's long poll: the
// providers allow one poller at a time and answer a second with a
// conflict). The lease is a Redis key holding the node's id with a TTL;
// its holder renews it, a node that dies stops renewing and another
// takes it over once it expires.

// DefaultChannelLease is the TTL connectors use: a dead node's channels
// move to another node within about this long.
const DefaultChannelLease = 15 * time.Second

// renewLease extends the lease if this node still holds it.
var renewLease = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)

// releaseLease deletes the lease if this node holds it.
var releaseLease = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)

func (w *ChannelWorkers) leaseKey(channelID string) string {
	return w.Channels.kv.Key("lease", w.Kind, channelID)
}

// acquire takes the channel's lease for this node, or reports that
// another node holds it. A Redis error counts as not acquired: better no
// poller for a moment than two.
func (w *ChannelWorkers) acquire(ctx context.Context, channelID string) bool {
	ok, err := w.Channels.kv.SetNX(ctx, w.leaseKey(channelID), w.Channels.node, w.Lease).Result()
	if err != nil {
		if w.Log != nil && ctx.Err() == nil {
			w.Log.Warn("channel lease not taken", "kind", w.Kind, "channel", channelID, "err", err)
		}
		return false
	}
	if !ok {
		// A node restarted with the same id may already hold it.
		n, err := renewLease.Run(ctx, w.Channels.kv, []string{w.leaseKey(channelID)}, w.Channels.node, w.Lease.Milliseconds()).Int()
		return err == nil && n == 1
	}
	return true
}

// hold renews the lease every third of its TTL until ctx ends, then
// releases it; it cancels the worker (stop) as soon as the lease is lost
// or cannot be renewed before it would expire.
func (w *ChannelWorkers) hold(ctx context.Context, channelID string, stop context.CancelFunc) {
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = releaseLease.Run(rctx, w.Channels.kv, []string{w.leaseKey(channelID)}, w.Channels.node).Err()
	}()
	t := time.NewTicker(w.Lease / 3)
	defer t.Stop()
	renewed := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rctx, cancel := context.WithTimeout(ctx, w.Lease/3)
		n, err := renewLease.Run(rctx, w.Channels.kv, []string{w.leaseKey(channelID)}, w.Channels.node, w.Lease.Milliseconds()).Int()
		cancel()
		switch {
		case err == nil && n == 1:
			renewed = time.Now()
		case err == nil || time.Since(renewed) > w.Lease*2/3:
			if w.Log != nil {
				w.Log.Warn("channel lease lost; stopping the worker", "kind", w.Kind, "channel", channelID, "err", err)
			}
			stop()
			return
		}
	}
}
