package vk_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/testkit/vktest"
)

// A broadcast of 500 replies (100 members, 5 each) with VK answering
// "too many requests" (6), "flood control" (9) and once "rate limit" (29):
// VK never sees more than 20 requests in a second from the community
// token, and every reply reaches its member exactly once.
func TestBroadcastUnderVKErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("a load test of over a minute")
	}
	f := newFixture(t, "callback")
	ctx := context.Background()
	f.line.MaxActive = 200
	if _, err := f.n.Inbox.Lines.Update(ctx, f.n.System, f.line); err != nil {
		t.Fatal(err)
	}
	const members, each = 100, 5
	for i := range members {
		if code, _ := f.post(t, vktest.Callback("message_new", callbackSecret, f.vk.GroupID, vktest.MessageNew(6000+i, 1, "вопрос"))); code != 200 {
			t.Fatal("callback refused")
		}
	}
	convs := map[string]string{}
	for _, c := range f.conversations(t) {
		convs[c.ExternalChatID] = c.ID
	}
	if len(convs) != members {
		t.Fatalf("%d conversations", len(convs))
	}
	hold := make(chan struct{})
	f.vk.Mu.Lock()
	f.vk.Hold, f.vk.ErrEvery = hold, map[int]int{6: 37, 9: 53}
	f.vk.SendErrs = []int{29}
	f.vk.Mu.Unlock()
	for r := range each {
		for i := range members {
			f.reply(t, convs[fmt.Sprint(6000+i)], map[string]any{"text": fmt.Sprintf("рассылка %d для %d", r, i)})
		}
	}
	f.vk.Mu.Lock()
	f.vk.Hold = nil
	f.vk.Mu.Unlock()
	close(hold)
	start := time.Now()
	waitFor(t, 4*time.Minute, "every reply sent", func() bool {
		var n int
		_ = f.n.DB.QueryRow(`SELECT count(*) FROM inbox_messages WHERE channel_id = $1 AND direction = 'out' AND status = 'sent'`, f.ch.ID).Scan(&n)
		return n == members*each
	})
	took := time.Since(start)
	f.vk.Mu.Lock()
	delivered, sends, times := len(f.vk.Delivered), len(f.vk.Sends), append([]time.Time(nil), f.vk.CallTimes...)
	texts := map[string]int{}
	for _, d := range f.vk.Delivered {
		texts[d.Text]++
	}
	f.vk.Mu.Unlock()
	if delivered != members*each || len(texts) != members*each {
		t.Fatalf("members got %d messages (%d distinct), want %d", delivered, len(texts), members*each)
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	peak := 0
	for i, j := 0, 0; i < len(times); i++ {
		for times[i].Sub(times[j]) >= time.Second {
			j++
		}
		peak = max(peak, i-j+1)
	}
	if peak > 20 {
		t.Errorf("%d requests within one second with one token; VK allows 20", peak)
	}
	var retried int
	_ = f.n.DB.QueryRow(`SELECT count(*) FROM inbox_messages WHERE channel_id = $1 AND direction = 'out' AND attempts > 1`, f.ch.ID).Scan(&retried)
	t.Logf("500 replies sent in %s: %d messages.send calls, %d replies retried, peak %d requests per second",
		took.Round(time.Millisecond), sends, retried, peak)
}
