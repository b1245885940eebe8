package telegram_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/testkit/tgtest"
)

// A broadcast of 500 replies (100 members, 5 replies each) under
// injected 429s: Telegram never sees more than 30 messages in a second
// from the bot or two within a second in one chat, nothing is sent into
// a pause it asked for, and every reply arrives exactly once.
func TestBroadcastKeepsLimitsAndLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("a 30-second load test")
	}
	e := newEnv(t)
	e.line.MaxActive = 200 // one operator answers every member
	if _, err := e.n.Inbox.Lines.Update(context.Background(), e.n.System, e.line); err != nil {
		t.Fatal(err)
	}
	ch := e.channel(t, "webhook")
	const members, each = 100, 5
	convs := make([]string, members)
	for i := range members {
		e.hook(t, ch, e.tg.WebhookSecret, e.tg.Update(tgtest.TextMessage(int64(900000+i), 1, "вопрос")))
	}
	for _, m := range e.inbound(t, ch) {
		var chat int
		fmt.Sscan(m.ExternalID[len("msg:"):len("msg:")+6], &chat)
		convs[chat-900000] = m.ConversationID
	}
	e.tg.Set(func(f *tgtest.Server) { f.Every429, f.RetryAfter = 50, 1 })
	start := time.Now()
	var sendStart time.Time
	// Round robin, as a broadcast goes out: each member's replies are
	// spread through the run.
	// Telegram stalls while the replies are stored, so that they go out
	// as one backlog at full speed rather than at the pace they are typed.
	hold := make(chan struct{})
	e.tg.Set(func(f *tgtest.Server) { f.Hold = hold })
	for r := range each {
		for i, conv := range convs {
			e.reply(t, conv, fmt.Sprintf("рассылка %d для %d", r, i))
		}
	}
	e.tg.Set(func(f *tgtest.Server) { f.Hold = nil })
	close(hold)
	t.Logf("replies stored after %s", time.Since(start).Round(time.Millisecond))
	sendStart = time.Now()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		var n int
		if err := e.n.DB.QueryRow(`SELECT count(*) FROM inbox_messages WHERE channel_id = $1 AND direction = 'out' AND status = 'sent'`, ch.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == members*each {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d replies sent", n, members*each)
		}
		time.Sleep(200 * time.Millisecond)
	}
	took := time.Since(sendStart)
	sent := e.tg.SentCalls()
	seen := map[string]int{}
	byChat := map[int64][]time.Time{}
	var all []time.Time
	for _, s := range sent {
		seen[s.Text]++
		byChat[s.ChatID] = append(byChat[s.ChatID], s.At)
		all = append(all, s.At)
	}
	if len(sent) != members*each || len(seen) != members*each {
		t.Fatalf("Telegram got %d messages, %d distinct, want %d", len(sent), len(seen), members*each)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Before(all[j]) })
	peak := 0
	for i, j := 0, 0; i < len(all); i++ {
		for all[i].Sub(all[j]) >= time.Second {
			j++
		}
		peak = max(peak, i-j+1)
	}
	if peak > 30 {
		t.Errorf("%d messages within one second from one bot; Telegram allows 30", peak)
	}
	// Arrival times carry a little loopback jitter on top of the sender's
	// one-second spacing.
	minGap := time.Hour
	for chat, ts := range byChat {
		sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
		for i := 1; i < len(ts); i++ {
			if gap := ts[i].Sub(ts[i-1]); gap < minGap {
				minGap = gap
			}
			if gap := ts[i].Sub(ts[i-1]); gap < 900*time.Millisecond {
				t.Errorf("chat %d got two messages %s apart", chat, gap)
			}
		}
	}
	e.tg.Mu.Lock()
	violations, calls := e.tg.Violations, e.tg.SendCount
	e.tg.Mu.Unlock()
	if len(violations) > 0 {
		t.Errorf("sent into 429 pauses: %v", violations)
	}
	t.Logf("500 replies sent in %s after release: %d sendMessage calls (%d answered 429), peak %d per second, closest two in a chat %s",
		took.Round(time.Millisecond), calls, calls-len(sent), peak, minGap.Round(time.Millisecond))
}
