package inbox

import (
	"context"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
)

// Providers limit what one bot may send to one chat (Telegram: a message a
// second, 20 a minute to a group) and pause a bot after a 429. Several hub
// nodes send for one bot, so a connector keeps these limits in Redis,
// through the two helpers here, rather than in its own memory. Redis may
// be flushed: a lost turn lets at most one message go early, and the
// provider's own 429 is still honoured; nothing here is a record.

// TakeTurn takes one turn under a limit of n per period for key, spaced
// evenly (a burst of one: n per period in every window of that length,
// never more). It returns 0 when the turn is taken, or how long to wait
// before asking again. An error means Redis did not answer; the caller
// falls back to its own pacing.
func (p *Pacing) TakeTurn(ctx context.Context, key string, n int, per time.Duration) (time.Duration, error) {
	if n <= 0 || per <= 0 {
		return 0, fmt.Errorf("inbox: turn %s: bad limit %d per %s", key, n, per)
	}
	r, err := redis_rate.NewLimiter(p.kv).Allow(ctx, p.kv.Key("pace", key), redis_rate.Limit{Rate: n, Burst: 1, Period: per})
	if err != nil {
		return 0, fmt.Errorf("inbox: turn %s: %w", key, err)
	}
	if r.Allowed > 0 {
		return 0, nil
	}
	return max(r.RetryAfter, time.Millisecond), nil
}

// Pause records that the provider asked key (a bot) to wait d: every node
// sees it through Paused. A longer pause already running is kept.
func (p *Pacing) Pause(ctx context.Context, key string, d time.Duration) error {
	k := p.kv.Key("pause", key)
	if left, err := p.kv.PTTL(ctx, k).Result(); err == nil && left >= d {
		return nil
	}
	if err := p.kv.Set(ctx, k, "1", d).Err(); err != nil {
		return fmt.Errorf("inbox: pause %s: %w", key, err)
	}
	return nil
}

// Paused returns how much of key's pause is left (0: none).
func (p *Pacing) Paused(ctx context.Context, key string) (time.Duration, error) {
	left, err := p.kv.PTTL(ctx, p.kv.Key("pause", key)).Result()
	if err != nil {
		return 0, fmt.Errorf("inbox: pause %s: %w", key, err)
	}
	return max(left, 0), nil // -2: no key, -1: no expiry (never set so)
}
