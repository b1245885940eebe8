package inbox

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func isNil(err error) bool { return errors.Is(err, redis.Nil) }

// redisSetGet is SET … GET EX ttl: set and return the previous value.
func redisSetGet(ttl time.Duration) redis.SetArgs { return redis.SetArgs{TTL: ttl, Get: true} }

func redisChannelSize(n int) redis.ChannelOption { return redis.WithChannelSize(n) }

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
