package privacy

import (
	"context"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

// scrubRedis removes every value under the installation's prefix that
// holds one of the traces (a member's phone, e-mail, chat id or
// conversation id): queues, offers, events, caches, streams. Redis holds
// little and can be rebuilt from SQL, so removing a conversation from a
// queue or an event from a stream loses nothing the SQL does not keep.
// It returns how many values went.
func (s *Service) scrubRedis(ctx context.Context, traces []string) (int64, error) {
	if len(traces) == 0 || s.kv == nil {
		return 0, nil
	}
	var removed int64
	scan := func(ctx context.Context, node *redis.Client) error {
		iter := node.Scan(ctx, 0, s.kv.Prefix()+"*", 500).Iterator()
		for iter.Next(ctx) {
			n, err := scrubKey(ctx, node, iter.Val(), traces)
			if err != nil {
				return err
			}
			removed += n
		}
		return iter.Err()
	}
	var err error
	if cc, ok := s.kv.UniversalClient.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, scan)
	} else if c, ok := s.kv.UniversalClient.(*redis.Client); ok {
		err = scan(ctx, c)
	}
	if err != nil {
		return removed, fmt.Errorf("privacy: scrub redis: %w", err)
	}
	return removed, nil
}

func holds(v string, traces []string) bool {
	for _, t := range traces {
		if strings.Contains(v, t) {
			return true
		}
	}
	return false
}

// scrubKey removes the parts of one key that hold a trace, or the key.
func scrubKey(ctx context.Context, c *redis.Client, key string, traces []string) (int64, error) {
	if holds(key, traces) {
		return c.Del(ctx, key).Result()
	}
	kind, err := c.Type(ctx, key).Result()
	if err != nil {
		return 0, err
	}
	var n int64
	switch kind {
	case "string":
		v, err := c.Get(ctx, key).Result()
		if err == nil && holds(v, traces) {
			return c.Del(ctx, key).Result()
		}
	case "hash":
		m, err := c.HGetAll(ctx, key).Result()
		if err != nil {
			return 0, err
		}
		for f, v := range m {
			if holds(f, traces) || holds(v, traces) {
				d, err := c.HDel(ctx, key, f).Result()
				if err != nil {
					return n, err
				}
				n += d
			}
		}
	case "list":
		l, err := c.LRange(ctx, key, 0, -1).Result()
		if err != nil {
			return 0, err
		}
		for _, v := range l {
			if holds(v, traces) {
				d, _ := c.LRem(ctx, key, 0, v).Result()
				n += d
			}
		}
	case "set":
		l, err := c.SMembers(ctx, key).Result()
		if err != nil {
			return 0, err
		}
		for _, v := range l {
			if holds(v, traces) {
				d, _ := c.SRem(ctx, key, v).Result()
				n += d
			}
		}
	case "zset":
		l, err := c.ZRange(ctx, key, 0, -1).Result()
		if err != nil {
			return 0, err
		}
		for _, v := range l {
			if holds(v, traces) {
				d, _ := c.ZRem(ctx, key, v).Result()
				n += d
			}
		}
	case "stream":
		msgs, err := c.XRange(ctx, key, "-", "+").Result()
		if err != nil {
			return 0, err
		}
		for _, m := range msgs {
			if streamHolds(m, traces) {
				d, _ := c.XDel(ctx, key, m.ID).Result()
				n += d
			}
		}
	}
	return n, nil
}

func streamHolds(m redis.XMessage, traces []string) bool {
	for k, v := range m.Values {
		if holds(k, traces) || holds(fmt.Sprint(v), traces) {
			return true
		}
	}
	return false
}
