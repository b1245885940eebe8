package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/redis/go-redis/v9"
)

// Sign-in throttling. Failures are counted per (login, client address), not
// per login: someone guessing the chairman's password from one address slows
// down only that address, and the chairman signing in from an address that
// has not failed is never held back. Five failures in a row cost nothing;
// the fifth starts a wait of a second and every further one doubles it (2 s,
// 4 s … up to 15 minutes), so a person who mistypes loses nothing and a
// guesser gets a handful of tries an hour.
//
// Two wider counters close the gaps of a per-pair count, and neither can
// touch an address that has not failed: an address failing across many
// logins (password spraying) is refused on its own, and when one account
// collects many failures from many addresses (a botnet), every address that
// fails for it loses its free attempts.
//
// The counters live in Redis so every node sees the same ones; the wait is a
// key with a TTL, so Redis's clock (not the nodes') decides when it ends.
const (
	freeFailsPerPair   = 4 // failures without a wait; the next one starts the first
	firstDelay         = time.Second
	maxDelay           = 15 * time.Minute
	pairMemory         = time.Hour // a pair's failures are forgotten an hour after the last one
	accountWindow      = 15 * time.Minute
	accountUnderAttack = 20 // failures of one login, all addresses, per window
	ipWindow           = 15 * time.Minute
	maxFailsPerIP      = 30
)

// failureScript counts one failure of a (login, address) pair and starts
// the pair's wait. KEYS share the login's hash tag, so it runs on Redis
// Cluster. It returns the wait in milliseconds (0: none yet).
var failureScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
local a = redis.call('INCR', KEYS[3])
if redis.call('PTTL', KEYS[3]) < 0 then redis.call('PEXPIRE', KEYS[3], ARGV[2]) end
local free = tonumber(ARGV[3])
if a > tonumber(ARGV[4]) then free = 0 end
local over = n - free
if over <= 0 then return 0 end
local d = math.min(tonumber(ARGV[5]) * 2 ^ math.min(over - 1, 40), tonumber(ARGV[6]))
d = math.floor(d)
redis.call('SET', KEYS[2], '1', 'PX', d)
return d
`)

// throttleKeys names the Redis keys of a sign-in attempt. The login is
// hashed: it is whatever the caller typed, and keys should stay short and
// free of odd characters.
type throttleKeys struct{ pair, wait, account, ip string }

func (s *Service) throttleKeys(login, ip string) throttleKeys {
	h := sha256.Sum256([]byte(login))
	tag := "{" + hex.EncodeToString(h[:12]) + "}"
	return throttleKeys{
		pair:    s.kv.Key("auth", "fail", tag, "pair", ip),
		wait:    s.kv.Key("auth", "fail", tag, "wait", ip),
		account: s.kv.Key("auth", "fail", tag, "account"),
		ip:      s.kv.Key("auth", "fail", "ip", ip),
	}
}

// checkThrottle refuses a sign-in while the pair's wait runs or the address
// is over its limit. If Redis is unreachable it lets the attempt through
// (and logs it): staff must still be able to work while the coordination
// layer is down.
func (s *Service) checkThrottle(ctx context.Context, login, ip string) error {
	k := s.throttleKeys(login, ip)
	pipe := s.kv.Pipeline()
	wait := pipe.PTTL(ctx, k.wait)
	ipFails := pipe.Get(ctx, k.ip)
	ipTTL := pipe.PTTL(ctx, k.ip)
	_, _ = pipe.Exec(ctx)
	if err := wait.Err(); err != nil {
		s.log.Warn("login throttle unavailable", "err", err)
		return nil
	}
	if d := wait.Val(); d > 0 {
		return &ThrottledError{RetryAfter: d}
	}
	if n, _ := ipFails.Int(); n >= maxFailsPerIP {
		return &ThrottledError{RetryAfter: max(ipTTL.Val(), time.Second)}
	}
	return nil
}

// recordFailure counts a failed attempt and returns the wait it started.
func (s *Service) recordFailure(ctx context.Context, login, ip string) time.Duration {
	k := s.throttleKeys(login, ip)
	ms, err := failureScript.Run(ctx, s.kv, []string{k.pair, k.wait, k.account},
		pairMemory.Milliseconds(), accountWindow.Milliseconds(), freeFailsPerPair, accountUnderAttack,
		firstDelay.Milliseconds(), maxDelay.Milliseconds()).Int64()
	if err == nil {
		pipe := s.kv.TxPipeline()
		pipe.Incr(ctx, k.ip)
		pipe.ExpireNX(ctx, k.ip, ipWindow)
		_, err = pipe.Exec(ctx)
	}
	if err != nil {
		s.log.Warn("login throttle unavailable", "err", err)
	}
	return time.Duration(ms) * time.Millisecond
}

// clearFailures forgets the pair's failures after a successful sign-in. The
// account and address counters stay: one success by the owner must not
// reset what an attacker elsewhere has run up.
func (s *Service) clearFailures(ctx context.Context, login, ip string) {
	k := s.throttleKeys(login, ip)
	if err := s.kv.Del(ctx, k.pair, k.wait).Err(); err != nil {
		s.log.Warn("login throttle unavailable", "err", err)
	}
}
