package telegram

import (
	"context"
	"strings"
	"time"

	"github.com/profhub/profhub/inbox"
)

// Telegram's published limits for one bot: about one message a second to
// one chat, no more than 20 a minute to one group, about 30 a second in
// all (the last is the channel's dispatch rate, see defaultRatePerS). The
// first two are kept here for every hub node together, in Redis through
// the inbox (inbox.Pacer, TakeTurn); without Redis, this node's own clock keeps
// them. Spacing is even (a burst of one), so no window of a second or of
// a minute ever holds more than the limit, and no turn is wasted either:
// the next reply to a chat goes exactly a second after the one before.
const (
	groupPerMin  = 20
	turnKeyChat  = "tg:chat:"
	pauseKeyBot  = "tg:bot:"
	redisTimeout = time.Second
)

// perChatGap is Telegram's one message a second to a chat. Only tests of
// ordering shorten it (export_test.go), to send 100 replies quickly.
var perChatGap = time.Second

// chatLimit is the limit for chat: groups and channels (negative ids)
// get 20 a minute, which also keeps them under one a second.
func chatLimit(chat string) (n int, per time.Duration) {
	if strings.HasPrefix(chat, "-") {
		return groupPerMin, time.Minute
	}
	return int(time.Second / perChatGap), time.Second
}

// waitTurn keeps to the chat's limit and to a bot's pause after a 429.
// A turn due within the part's allowance is waited for here; a longer
// wait, and any pause, is handed back as a Deferred RetryAfter (the
// provider was not contacted and no attempt is used).
func (s *sender) waitTurn(ctx context.Context, channelID, chat string, first bool) error {
	allow := maxTurnWait
	if first {
		allow = firstTurnWait
	}
	deadline := time.Now().Add(allow)
	for {
		if left := s.paused(ctx, channelID); left > 0 {
			return &inbox.SendError{RetryAfter: left, Deferred: true, Reason: "Telegram asked the bot to slow down; waiting"}
		}
		wait := s.turn(ctx, channelID, chat)
		if wait <= 0 {
			return nil
		}
		if time.Now().Add(wait).After(deadline) {
			return &inbox.SendError{RetryAfter: wait, Deferred: true, Reason: "Telegram allows one message per second in a chat; waiting"}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// turn takes the chat's turn and returns 0, or how long until it comes.
func (s *sender) turn(ctx context.Context, channelID, chat string) time.Duration {
	n, per := chatLimit(chat)
	rctx, cancel := context.WithTimeout(ctx, redisTimeout)
	wait, err := s.c.inbox.TakeTurn(rctx, turnKeyChat+channelID+":"+chat, n, per)
	cancel()
	if err == nil {
		return wait
	}
	// Redis did not answer: pace by this node's clock.
	gap := per / time.Duration(n)
	key := channelID + "/" + chat
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if next := s.chatNext[key]; next.After(now) {
		return next.Sub(now)
	}
	s.chatNext[key] = now.Add(gap)
	if len(s.chatNext) > 10000 {
		for k, t := range s.chatNext {
			if t.Before(now) {
				delete(s.chatNext, k)
			}
		}
	}
	return 0
}

// pause stops the bot's sends on every node for d (Telegram's
// retry_after).
func (s *sender) pause(channelID string, d time.Duration) {
	s.mu.Lock()
	s.botPause[channelID] = time.Now().Add(d)
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(s.c.ctx), redisTimeout)
	defer cancel()
	if err := s.c.inbox.Pause(ctx, pauseKeyBot+channelID, d); err != nil {
		s.c.log.Debug("429 pause kept on this node only", "channel", channelID, "err", err)
	}
}

// paused returns what is left of the bot's pause, as any node recorded it.
func (s *sender) paused(ctx context.Context, channelID string) time.Duration {
	s.mu.Lock()
	local := time.Until(s.botPause[channelID])
	s.mu.Unlock()
	rctx, cancel := context.WithTimeout(ctx, redisTimeout)
	shared, _ := s.c.inbox.Paused(rctx, pauseKeyBot+channelID)
	cancel()
	return max(local, shared, 0)
}

// ChatGap tells the dispatcher how long after one reply to a chat the
// next may start (inbox.Paced). It is a little short of the limit, so
// that claiming and loading the next reply overlap the wait; waitTurn
// keeps the exact turn (firstTurnWait allows for the lead).
func (s *sender) ChatGap(_ inbox.Channel, chat string) time.Duration {
	n, per := chatLimit(chat)
	return per/time.Duration(n) - firstTurnWait/2
}
