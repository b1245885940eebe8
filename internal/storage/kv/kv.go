// Package kv is profhub's coordination layer: a Redis client whose keys all
// carry the installation's prefix, so several installations can share one
// Redis. With no URL it starts an in-process Redis-compatible server
// (miniredis) for the single-node embedded mode. Nothing kept here is a
// system of record: SQL can rebuild all of it.
package kv

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Client is a go-redis universal client plus the key prefix. The universal
// client means one URL form picks a single server, Sentinel or Cluster.
type Client struct {
	redis.UniversalClient
	prefix   string
	embedded *miniredis.Miniredis
	stopTTL  chan struct{} // ends the embedded server's expiry ticker
}

// Open connects to rawURL (with context deadlines honoured, so a
// shutdown interrupts blocking reads), or starts the embedded server when it is empty,
// and checks the connection.
//
//	redis://[user:pass@]host:port/db            one server
//	rediss://…                                  the same over TLS
//	redis+sentinel://host:26379?master_name=m&addr=host2:26379   Sentinel
//	redis+cluster://host1:6379?addr=host2:6379  Cluster
func Open(ctx context.Context, rawURL, prefix string) (*Client, error) {
	c := &Client{prefix: prefix}
	switch {
	case rawURL == "":
		m := miniredis.NewMiniRedis()
		if err := m.StartAddr("127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("kv: start embedded server: %w", err)
		}
		c.embedded = m
		c.stopTTL = make(chan struct{})
		go expireOnTicks(m, c.stopTTL)
		c.UniversalClient = redis.NewClient(&redis.Options{Addr: m.Addr(), ContextTimeoutEnabled: true})
	case strings.HasPrefix(rawURL, "redis+sentinel://"):
		o, err := redis.ParseFailoverURL("redis://" + strings.TrimPrefix(rawURL, "redis+sentinel://"))
		if err != nil {
			return nil, fmt.Errorf("kv: sentinel URL: %w", err)
		}
		o.ContextTimeoutEnabled = true
		c.UniversalClient = redis.NewFailoverClient(o)
	case strings.HasPrefix(rawURL, "redis+cluster://"):
		o, err := redis.ParseClusterURL("redis://" + strings.TrimPrefix(rawURL, "redis+cluster://"))
		if err != nil {
			return nil, fmt.Errorf("kv: cluster URL: %w", err)
		}
		o.ContextTimeoutEnabled = true
		c.UniversalClient = redis.NewClusterClient(o)
	default:
		o, err := redis.ParseURL(rawURL)
		if err != nil {
			return nil, fmt.Errorf("kv: URL: %w", err)
		}
		o.ContextTimeoutEnabled = true
		c.UniversalClient = redis.NewClient(o)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := c.Ping(pingCtx); err != nil {
		c.Close()
		return nil, fmt.Errorf("kv: cannot reach Redis: %w", err)
	}
	return c, nil
}

// expireOnTicks makes the embedded server's keys expire on their own, as
// on a real Redis. miniredis's ClockTTL does that by walking every key with
// a TTL on every command, each call inside a Lua script included: 70 % of
// the hub's CPU while routing 300 operators. A 200 ms tick costs one walk
// per tick instead; no TTL the hub sets is under a second.
func expireOnTicks(m *miniredis.Miniredis, stop <-chan struct{}) {
	const every = 200 * time.Millisecond
	tick := time.NewTicker(every)
	defer tick.Stop()
	last := time.Now()
	for {
		select {
		case <-stop:
			return
		case now := <-tick.C:
			m.FastForward(now.Sub(last))
			last = now
		}
	}
}

// Key joins parts under the installation prefix: Key("line", "{42}") is
// "profhub:line:{42}". Keys that a multi-key script touches together must
// share a hash tag ({…}) so the script runs unchanged on Redis Cluster.
func (c *Client) Key(parts ...string) string {
	return c.prefix + strings.Join(parts, ":")
}

// Prefix is the installation's key prefix.
func (c *Client) Prefix() string { return c.prefix }

// Embedded reports whether the in-process server is in use.
func (c *Client) Embedded() bool { return c.embedded != nil }

// Ping checks that Redis answers.
func (c *Client) Ping(ctx context.Context) error {
	return c.UniversalClient.Ping(ctx).Err()
}

// Close closes the client and stops the embedded server if there is one.
func (c *Client) Close() error {
	err := c.UniversalClient.Close()
	if c.embedded != nil {
		close(c.stopTTL)
		c.embedded.Close()
	}
	return err
}

// DeletePrefix removes every key under the installation prefix, scanning in
// batches; used by tests and by `profhub` tools that reset coordination state.
func (c *Client) DeletePrefix(ctx context.Context) error {
	if c.prefix == "" {
		return errors.New("kv: refusing to delete every key of a shared Redis: no prefix")
	}
	del := func(ctx context.Context, node *redis.Client) error {
		iter := node.Scan(ctx, 0, c.prefix+"*", 500).Iterator()
		var batch []string
		for iter.Next(ctx) {
			batch = append(batch, iter.Val())
			if len(batch) == 500 {
				if err := node.Del(ctx, batch...).Err(); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		if err := iter.Err(); err != nil {
			return err
		}
		if len(batch) > 0 {
			return node.Del(ctx, batch...).Err()
		}
		return nil
	}
	if cc, ok := c.UniversalClient.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, del)
	}
	return del(ctx, c.UniversalClient.(*redis.Client))
}
