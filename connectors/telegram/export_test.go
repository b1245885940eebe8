package telegram

import "time"

// SetChatGap shortens the one-second gap between messages to a chat for
// a test that is about order, not pace; call it before the hub starts and
// the returned function after it stopped.
func SetChatGap(d time.Duration) (restore func()) {
	old := perChatGap
	perChatGap = d
	return func() { perChatGap = old }
}
