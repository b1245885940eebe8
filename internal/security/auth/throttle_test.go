package auth_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// An attacker hammering the chairman's login from one address must not
// keep the chairman out: their own address has not failed.
func TestLockoutAttemptSparesOtherAddresses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.addUser(t, "chair", access.Chairman, "correct horse")
		var refused, throttled int
		for i := range 40 {
			_, err := f.svc.Login(ctx, "chair", fmt.Sprintf("guess %d", i), "203.0.113.66", "")
			var te *auth.ThrottledError
			switch {
			case errors.As(err, &te):
				throttled++
			case errors.Is(err, auth.ErrBadCredentials):
				refused++
			default:
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		// Five passwords are checked, the fifth failure starts a wait of a
		// second, and the rest of the burst is refused unchecked.
		if refused != 5 || throttled != 35 {
			t.Fatalf("attacker: %d passwords checked, %d refused by the throttle; want 5 and 35", refused, throttled)
		}
		for _, ip := range []string{"10.0.0.1", "10.0.0.2", ""} {
			if res, err := f.svc.Login(ctx, "chair", "correct horse", ip, ""); err != nil || res.Token == "" {
				t.Fatalf("chairman from %q locked out by someone else's failures: %v", ip, err)
			}
		}
		// The attacker's address stays throttled even with the right password.
		var te *auth.ThrottledError
		if _, err := f.svc.Login(ctx, "chair", "correct horse", "203.0.113.66", ""); !errors.As(err, &te) {
			t.Fatalf("attacker's address with the right password: %v, want throttled", err)
		}
	})
}

// Each failure after the free ones doubles the wait, up to 15 minutes.
func TestThrottleWaitsGrow(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, dbtest.Open(t))
	f.addUser(t, "secretary", access.Secretary, "correct horse")
	const ip = "198.51.100.7"
	tests := []struct {
		failures int
		wait     time.Duration // before the next attempt; 0: none
	}{
		{1, 0}, {2, 0}, {3, 0}, {4, 0},
		{5, time.Second}, {6, 2 * time.Second}, {7, 4 * time.Second}, {8, 8 * time.Second},
		{9, 16 * time.Second}, {12, 128 * time.Second}, {14, 512 * time.Second},
		{15, 15 * time.Minute}, {20, 15 * time.Minute},
	}
	done := 0
	for _, tc := range tests {
		for done < tc.failures {
			if err := f.svc.EndWait(ctx, "secretary", ip); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Login(ctx, "secretary", "wrong", ip, ""); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("failure %d: %v", done+1, err)
			}
			done++
		}
		_, err := f.svc.Login(ctx, "secretary", "wrong", ip, "")
		var te *auth.ThrottledError
		switch {
		case tc.wait == 0 && errors.As(err, &te):
			t.Fatalf("after %d failures: throttled for %v, want no wait yet", tc.failures, te.RetryAfter)
		case tc.wait == 0:
			done++ // that attempt was checked and failed
		case !errors.As(err, &te):
			t.Fatalf("after %d failures: %v, want a wait of %v", tc.failures, err, tc.wait)
		case te.RetryAfter > tc.wait || te.RetryAfter < tc.wait-time.Second:
			t.Fatalf("after %d failures: wait %v, want %v", tc.failures, te.RetryAfter, tc.wait)
		}
	}
}

// The wait really ends (Redis's clock), and then the right password works
// from the address that failed.
func TestThrottleWaitEnds(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, dbtest.OpenSQLite(t))
	f.addUser(t, "operator", access.Operator, "correct horse")
	for range 5 {
		if _, err := f.svc.Login(ctx, "operator", "wrong", "10.1.1.1", ""); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatal(err)
		}
	}
	var te *auth.ThrottledError
	if _, err := f.svc.Login(ctx, "operator", "correct horse", "10.1.1.1", ""); !errors.As(err, &te) {
		t.Fatalf("right after the fifth failure: %v, want throttled", err)
	}
	time.Sleep(te.RetryAfter + 100*time.Millisecond)
	if _, err := f.svc.Login(ctx, "operator", "correct horse", "10.1.1.1", ""); err != nil {
		t.Fatalf("after the wait: %v", err)
	}
	// Success forgets the pair's failures: the next mistake is free again.
	if _, err := f.svc.Login(ctx, "operator", "wrong", "10.1.1.1", ""); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("first mistake after a success: %v", err)
	}
}

func TestThrottleWiderCounters(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, dbtest.Open(t))
	f.addUser(t, "chair", access.Chairman, "correct horse")
	f.addUser(t, "deputy", access.Deputy, "correct horse")

	// A botnet: one failure from each of 21 addresses. Every address that
	// fails from then on waits at once; addresses that never failed do not.
	for i := range 21 {
		if _, err := f.svc.Login(ctx, "chair", "wrong", fmt.Sprintf("192.0.2.%d", i), ""); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("bot %d: %v", i, err)
		}
	}
	var te *auth.ThrottledError
	if _, err := f.svc.Login(ctx, "chair", "wrong", "192.0.2.100", ""); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatal(err)
	}
	if _, err := f.svc.Login(ctx, "chair", "correct horse", "192.0.2.100", ""); !errors.As(err, &te) {
		t.Fatalf("a failing address of an account under attack: %v, want throttled", err)
	}
	if _, err := f.svc.Login(ctx, "chair", "correct horse", "10.9.9.9", ""); err != nil {
		t.Fatalf("chairman from a clean address during the attack: %v", err)
	}

	// Password spraying: one address failing across many logins is refused
	// for every login, even one it never tried.
	for i := range 30 {
		_, _ = f.svc.Login(ctx, fmt.Sprintf("user%d", i), "wrong", "198.18.0.1", "")
	}
	if _, err := f.svc.Login(ctx, "deputy", "correct horse", "198.18.0.1", ""); !errors.As(err, &te) {
		t.Fatalf("spraying address: %v, want throttled", err)
	}
	if _, err := f.svc.Login(ctx, "deputy", "correct horse", "198.18.0.2", ""); err != nil {
		t.Fatalf("deputy from another address: %v", err)
	}
}
