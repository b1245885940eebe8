package auth

import (
	"context"
	"time"
)

// Failed sign-ins allowed per window, per login and per client address.
const (
	throttleWindow   = 15 * time.Minute
	maxFailsPerLogin = 5
	maxFailsPerIP    = 30
)

func (s *Service) failKeys(login, ip string) (string, string) {
	return s.kv.Key("auth", "fail", "login", login), s.kv.Key("auth", "fail", "ip", ip)
}

// checkThrottle refuses a sign-in while either counter is at its limit. If
// Redis is unreachable it lets the attempt through (and logs it): staff
// must still be able to work while the coordination layer is down.
func (s *Service) checkThrottle(ctx context.Context, login, ip string) error {
	lk, ik := s.failKeys(login, ip)
	pipe := s.kv.Pipeline()
	lc := pipe.Get(ctx, lk)
	ic := pipe.Get(ctx, ik)
	lt := pipe.PTTL(ctx, lk)
	it := pipe.PTTL(ctx, ik)
	_, _ = pipe.Exec(ctx)
	if err := lt.Err(); err != nil {
		s.log.Warn("login throttle unavailable", "err", err)
		return nil
	}
	ln, _ := lc.Int()
	in, _ := ic.Int()
	switch {
	case ln >= maxFailsPerLogin:
		return &ThrottledError{RetryAfter: max(lt.Val(), time.Second)}
	case in >= maxFailsPerIP:
		return &ThrottledError{RetryAfter: max(it.Val(), time.Second)}
	}
	return nil
}

func (s *Service) recordFailure(ctx context.Context, login, ip string) {
	lk, ik := s.failKeys(login, ip)
	pipe := s.kv.TxPipeline()
	for _, k := range []string{lk, ik} {
		pipe.Incr(ctx, k)
		pipe.ExpireNX(ctx, k, throttleWindow)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		s.log.Warn("login throttle unavailable", "err", err)
	}
}

func (s *Service) clearFailures(ctx context.Context, login string) {
	lk, _ := s.failKeys(login, "")
	_ = s.kv.Del(ctx, lk).Err()
}
