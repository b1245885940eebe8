package notify

import "time"

// SetPushRetries shortens the pauses between push tries for a test; the
// returned func restores them.
func SetPushRetries(d ...time.Duration) func() {
	old := pushRetries
	pushRetries = d
	return func() { pushRetries = old }
}
