package inbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
)

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func queueLen(t *testing.T, n *hubtest.Node, lineID string) int64 {
	return n.KV.ZCard(context.Background(), n.KV.Key("line", "{"+lineID+"}", "queue")).Val()
}

// Losing Redis's contents (FLUSHALL, a restart without persistence) loses
// no conversation: the queue is rebuilt from SQL and routing goes on.
func TestRedisFlushRebuildsQueues(t *testing.T) {
	f := newFixture(t, inbox.Evenly)
	base := f.n.Server.URL
	var convs []string
	for i := range 3 {
		_, r := f.post(t, base, fmt.Sprintf("member-%d", i), fmt.Sprintf("m-%d", i), "вопрос")
		convs = append(convs, r.ConversationID)
	}
	eventually(t, "three queued", func() bool { return queueLen(t, f.n, f.line.ID) == 3 })
	ctx := context.Background()
	if f.n.KV.Embedded() {
		f.n.KV.FlushAll(ctx)
	} else if err := f.n.KV.DeletePrefix(ctx); err != nil { // a shared test Redis: only this hub's keys
		t.Fatal(err)
	}
	if queueLen(t, f.n, f.line.ID) != 0 {
		t.Fatal("flush left the queue")
	}
	eventually(t, "queue rebuilt", func() bool { return queueLen(t, f.n, f.line.ID) == 3 })
	ws := dial(t, base, f.tok1, 0)
	f.online(t, f.tok1)
	got := map[string]bool{}
	for range 3 {
		ev := ws.waitEvent(t, "offer", nil)
		got[ev["conversation_id"].(string)] = true
	}
	for _, c := range convs {
		if !got[c] {
			t.Errorf("conversation %s not offered after the rebuild", c)
		}
	}
}

// With Redis unreachable, ingest still commits to SQL and answers; when
// Redis returns, the missed conversations are queued and routed.
func TestRedisDownIngestCommitsAndRoutingResumes(t *testing.T) {
	s, m := hubtest.NewStorageWithStoppableRedis(t)
	n := hubtest.StartOn(t, s)
	f := newFixtureOn(t, n, inbox.Evenly, nil)
	// The line keeps its default 60 s offer timeout: an offer published
	// while the node's subscription is still reconnecting to the returned
	// Redis must come from the relay's resend, not from the offer's expiry,
	// to arrive within the wait below.
	base := n.Server.URL
	ws := dial(t, base, f.tok1, 0)
	f.online(t, f.tok1)
	addr := m.Addr()
	m.Close()

	start := time.Now()
	code, r := f.post(t, base, "member-x", "during-outage", "Redis лежит, а я пишу")
	if code != http.StatusCreated {
		t.Fatalf("ingest with Redis down = %d", code)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("ingest with Redis down took %v", d)
	}
	var n1 int
	_ = n.DB.QueryRow(`SELECT COUNT(*) FROM inbox_messages WHERE external_id = 'during-outage'`).Scan(&n1)
	if n1 != 1 {
		t.Fatal("message not in SQL")
	}
	// The operator's console still hears of it: the relay reads SQL.
	ws.waitEvent(t, "message", func(ev map[string]any) bool { return ev["conversation_id"] == r.ConversationID })

	if err := m.StartAddr(addr); err != nil { // Redis returns, empty
		t.Fatal(err)
	}
	f.online(t, f.tok1)
	ws.waitEvent(t, "offer", func(ev map[string]any) bool { return ev["conversation_id"] == r.ConversationID })
}

// A send that fails for good is visible with its reason, and an operator
// can retry it; a temporary failure is retried by itself.
func TestFailedSendIsVisibleAndRetryable(t *testing.T) {
	f := newFixture(t, inbox.Manual)
	base := f.n.Server.URL
	_, r := f.post(t, base, "m", "1", "вопрос")
	ws := dial(t, base, f.tok1, 0)
	if code, body := call(t, base, f.tok1, "POST", "/api/v1/inbox/conversations/"+r.ConversationID+"/take", nil); code != 200 {
		t.Fatalf("take = %d %s", code, body)
	}
	good := f.sink.URL
	f.sink.URL = ""
	if err := f.n.Inbox.Channels.SetDisabled(context.Background(), f.n.System, f.channel.ID, false); err != nil {
		t.Fatal(err)
	}
	// Point the channel at an address that refuses with 410 Gone.
	gone := newGoneServer(t)
	setWebhook(t, f, gone)

	_, body := call(t, base, f.tok1, "POST", "/api/v1/inbox/conversations/"+r.ConversationID+"/messages", inbox.ReplyInput{Text: "ответ"})
	var m inbox.Message
	_ = json.Unmarshal(body, &m)
	ev := ws.waitEvent(t, "status", func(ev map[string]any) bool {
		msg, _ := ev["message"].(map[string]any)
		return msg["id"] == m.ID && msg["status"] == "failed"
	})
	if reason := ev["message"].(map[string]any)["status_reason"].(string); !strings.Contains(reason, "410") {
		t.Fatalf("failure reason %q", reason)
	}
	setWebhook(t, f, good)
	f.sink.mu.Lock()
	f.sink.failNext = 1 // one 503 first: retried by the engine
	f.sink.mu.Unlock()
	if code, body := call(t, base, f.tok1, "POST", "/api/v1/inbox/messages/"+m.ID+"/retry", nil); code != 200 {
		t.Fatalf("retry = %d %s", code, body)
	}
	select {
	case got := <-f.sink.arrived:
		if got.ID != m.ID {
			t.Fatalf("delivered %s, want %s", got.ID, m.ID)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("retried message never delivered")
	}
	ws.waitEvent(t, "status", func(ev map[string]any) bool {
		msg, _ := ev["message"].(map[string]any)
		return msg["id"] == m.ID && msg["status"] == "sent"
	})
	if code, _ := call(t, base, f.tok1, "POST", "/api/v1/inbox/messages/"+m.ID+"/retry", nil); code != http.StatusUnprocessableEntity {
		t.Fatalf("retrying a sent message = %d", code)
	}
}

// newGoneServer answers every webhook 410 Gone. Its handler is given at
// the start: one assigned to a listening server races with the goroutines
// serving requests.
func newGoneServer(t *testing.T) string {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) }))
	t.Cleanup(s.Close)
	return s.URL
}

// setWebhook points the channel at url through the API, as an
// administrator would.
func setWebhook(t *testing.T, f *fixture, url string) {
	t.Helper()
	admin := f.token(t, f.n.AddUser(t, fmt.Sprintf("admin-%d", time.Now().UnixNano()), "administrator", f.n.Root.ID, "password-admin"))
	if code, body := call(t, f.n.Server.URL, admin, "PATCH", "/api/v1/inbox/channels/"+f.channel.ID,
		map[string]any{"settings": map[string]string{"webhook_url": url}}); code != 200 {
		t.Fatalf("update channel = %d %s", code, body)
	}
	var st inbox.ChannelStatus
	if code, body := call(t, f.n.Server.URL, admin, "GET", "/api/v1/inbox/channels/"+f.channel.ID+"/status", nil); code != 200 ||
		json.Unmarshal(body, &st) != nil {
		t.Fatalf("channel status = %d %s", code, body)
	}
}

// Two nodes route one line at once: every conversation goes to exactly one
// operator and nobody exceeds their capacity.
func TestTwoNodesNeverDoubleAssign(t *testing.T) {
	s, _ := hubtest.NewSharedStorage(t)
	a := hubtest.StartOn(t, s)
	b := hubtest.StartOn(t, s)
	f := newFixtureOn(t, a, inbox.OfferAll, nil)
	ctx := context.Background()
	l := f.line
	l.MaxActive = 3
	op3 := a.AddUser(t, "op3", "operator", a.Root.ID, "password-3")
	op4 := a.AddUser(t, "op4", "operator", a.Root.ID, "password-4")
	l.Operators = append(l.Operators, inbox.LineOperator{UserID: op3.ID}, inbox.LineOperator{UserID: op4.ID})
	if _, err := a.Inbox.Lines.Update(ctx, a.System, l); err != nil {
		t.Fatal(err)
	}
	tokens := []string{f.tok1, f.tok2, f.token(t, op3), f.token(t, op4)}
	nodes := []string{a.Server.URL, b.Server.URL}
	for i, tok := range tokens {
		if code, _ := call(t, nodes[i%2], tok, "POST", "/api/v1/inbox/presence", map[string]string{"status": "online"}); code != 200 {
			t.Fatal("presence")
		}
	}
	const convs = 30
	var wg sync.WaitGroup
	for i := range convs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.post(t, nodes[i%2], fmt.Sprintf("c%d", i), fmt.Sprintf("m%d", i), "вопрос")
		}()
	}
	wg.Wait()
	// Every operator, through both nodes at once, tries to accept every
	// conversation until nothing more can be accepted.
	accepted := make(chan string, 1000)
	for i, tok := range tokens {
		for _, node := range nodes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				deadline := time.Now().Add(6 * time.Second)
				for time.Now().Before(deadline) {
					_, body := call(t, node, tok, "GET", "/api/v1/inbox/offers", nil)
					var offers struct{ Offers []inbox.Offer }
					_ = json.Unmarshal(body, &offers)
					for _, o := range offers.Offers {
						if code, _ := call(t, node, tok, "POST", "/api/v1/inbox/conversations/"+o.ConversationID+"/accept", nil); code == 200 {
							accepted <- fmt.Sprintf("%d:%s", i, o.ConversationID)
						}
					}
					time.Sleep(100 * time.Millisecond)
				}
			}()
		}
	}
	wg.Wait()
	close(accepted)
	byConv := map[string]int{}
	for a := range accepted {
		_, conv, _ := strings.Cut(a, ":")
		byConv[conv]++
	}
	for conv, n := range byConv {
		if n != 1 {
			t.Errorf("conversation %s accepted %d times", conv, n)
		}
	}
	rows, err := a.DB.Query(`SELECT assignee_id, COUNT(*) FROM inbox_conversations WHERE status = 'active' GROUP BY assignee_id`)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for rows.Next() {
		var op string
		var n int
		_ = rows.Scan(&op, &n)
		if n > 3 {
			t.Errorf("operator %s has %d active conversations, capacity 3", op, n)
		}
		total += n
	}
	rows.Close()
	if total != 12 || len(byConv) != 12 {
		t.Errorf("%d active (%d accepted), want 4 operators × 3", total, len(byConv))
	}
	var waiting int
	_ = a.DB.QueryRow(`SELECT COUNT(*) FROM inbox_conversations WHERE status = 'waiting'`).Scan(&waiting)
	if waiting != convs-12 {
		t.Errorf("%d waiting, want %d: a conversation was lost", waiting, convs-12)
	}
}

// An operator who has been away longer than the line's return_after_min
// loses their active conversations back to the queue; one who is merely on
// a break keeps them.
func TestAbsentOperatorsConversationsReturnToQueue(t *testing.T) {
	f := newFixture(t, inbox.Manual)
	ctx := context.Background()
	l := f.line
	l.ReturnAfterMin = 1
	if _, err := f.n.Inbox.Lines.Update(ctx, f.n.System, l); err != nil {
		t.Fatal(err)
	}
	base := f.n.Server.URL
	_, r := f.post(t, base, "m", "1", "вопрос")
	f.online(t, f.tok1)
	if code, _ := call(t, base, f.tok1, "POST", "/api/v1/inbox/conversations/"+r.ConversationID+"/take", nil); code != 200 {
		t.Fatal("take")
	}
	status := func() string {
		var s string
		_ = f.n.DB.QueryRow(`SELECT status FROM inbox_conversations WHERE id = $1`, r.ConversationID).Scan(&s)
		return s
	}
	// On a break for a long time: nothing moves.
	call(t, base, f.tok1, "POST", "/api/v1/inbox/presence", map[string]string{"status": "break"})
	time.Sleep(6 * time.Second)
	if status() != inbox.StatusActive {
		t.Fatal("a break returned the conversation")
	}
	// Offline, and (as the clock would say after a minute) gone long enough.
	call(t, base, f.tok1, "POST", "/api/v1/inbox/presence", map[string]string{"status": "offline"})
	f.n.KV.Set(ctx, f.n.KV.Key("inbox", "gone", f.op1.ID), time.Now().Add(-2*time.Minute).UnixMilli(), time.Hour)
	eventually(t, "conversation back in the queue", func() bool { return status() == inbox.StatusWaiting })
	eventually(t, "queued in Redis", func() bool { return queueLen(t, f.n, f.line.ID) == 1 })
	_, body := call(t, base, f.tok2, "GET", "/api/v1/inbox/conversations/"+r.ConversationID+"/messages", nil)
	if !strings.Contains(string(body), `\"event\":\"returned\"`) {
		t.Fatalf("no system entry for the return: %s", body)
	}
}
