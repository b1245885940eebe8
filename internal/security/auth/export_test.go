package auth

import "context"

// EndWait removes the running wait of a (login, address) pair, as if it had
// passed, so a test can watch the waits grow without sleeping through them.
func (s *Service) EndWait(ctx context.Context, login, ip string) error {
	return s.kv.Del(ctx, s.throttleKeys(login, ip).wait).Err()
}
