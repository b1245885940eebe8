package inbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// routeFixture is a line with three operators a, b, c in that queue order.
type routeFixture struct {
	*fixture
	ops  []org.User
	line inbox.Line
	sent int
}

func newRouteFixture(t *testing.T, mode inbox.RoutingMode, maxActive int) *routeFixture {
	t.Helper()
	ctx := context.Background()
	f := newFixtureOn(t, hubtest.Start(t), mode, nil)
	r := &routeFixture{fixture: f}
	for _, name := range []string{"a", "b", "c"} {
		r.ops = append(r.ops, f.n.AddUser(t, "route-"+name, access.Operator, f.n.Root.ID, "password-"+name))
	}
	l := f.line
	l.MaxActive, l.OfferTimeoutS = maxActive, 5
	l.Operators = []inbox.LineOperator{{UserID: r.ops[0].ID}, {UserID: r.ops[1].ID}, {UserID: r.ops[2].ID}}
	var err error
	if r.line, err = f.n.Inbox.Lines.Update(ctx, f.n.System, l); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *routeFixture) presence(t *testing.T, op int, status string) {
	t.Helper()
	if err := r.fixture.n.Inbox.Presence.SetPresence(context.Background(), r.ops[op].Scope("test"), status); err != nil {
		t.Fatal(err)
	}
}

// newConv posts a message from a new contact and returns its conversation.
func (r *routeFixture) newConv(t *testing.T, contact string) string {
	t.Helper()
	r.sent++
	_, res := r.post(t, r.fixture.n.Server.URL, contact, fmt.Sprintf("msg-%d", r.sent), "вопрос")
	return res.ConversationID
}

// offeredTo waits until conv is offered and returns to whom (operator
// indexes).
func (r *routeFixture) offeredTo(t *testing.T, conv string) []int {
	t.Helper()
	var got []int
	eventually(t, "offer of "+conv, func() bool {
		got = got[:0]
		for i, op := range r.ops {
			offers, err := r.fixture.n.Inbox.Presence.MyOffers(context.Background(), op.Scope("test"))
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range offers {
				if o.ConversationID == conv {
					got = append(got, i)
				}
			}
		}
		return len(got) > 0
	})
	return got
}

func (r *routeFixture) accept(t *testing.T, op int, conv string) error {
	_, err := r.fixture.n.Inbox.Routing.Accept(context.Background(), r.ops[op].Scope("test"), conv)
	return err
}

func same(a []int, b ...int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRoutingModes(t *testing.T) {
	t.Run("evenly goes round the operators", func(t *testing.T) {
		r := newRouteFixture(t, inbox.Evenly, 5)
		for i := range 3 {
			r.presence(t, i, inbox.Online)
		}
		for i, want := range []int{0, 1, 2, 0} {
			if got := r.offeredTo(t, r.newConv(t, fmt.Sprintf("c%d", i))); !same(got, want) {
				t.Fatalf("conversation %d offered to %v, want %d", i, got, want)
			}
		}
	})
	t.Run("strict fills the first free operator", func(t *testing.T) {
		r := newRouteFixture(t, inbox.Strict, 2)
		for i := range 3 {
			r.presence(t, i, inbox.Online)
		}
		for i, want := range []int{0, 0, 1} {
			if got := r.offeredTo(t, r.newConv(t, fmt.Sprintf("c%d", i))); !same(got, want) {
				t.Fatalf("conversation %d offered to %v, want %d", i, got, want)
			}
		}
	})
	t.Run("least busy picks the lowest load", func(t *testing.T) {
		r := newRouteFixture(t, inbox.LeastBusy, 2)
		r.presence(t, 0, inbox.Online)
		first := r.newConv(t, "c0")
		if got := r.offeredTo(t, first); !same(got, 0) {
			t.Fatalf("first offered to %v", got)
		}
		if err := r.accept(t, 0, first); err != nil {
			t.Fatal(err)
		}
		r.presence(t, 1, inbox.Online)
		r.presence(t, 2, inbox.Online)
		for i, want := range []int{1, 2} {
			if got := r.offeredTo(t, r.newConv(t, fmt.Sprintf("c%d", i+1))); !same(got, want) {
				t.Fatalf("conversation %d offered to %v, want %d", i+1, got, want)
			}
		}
	})
	t.Run("offer to all: the first to accept wins", func(t *testing.T) {
		r := newRouteFixture(t, inbox.OfferAll, 5)
		for i := range 3 {
			r.presence(t, i, inbox.Online)
		}
		conv := r.newConv(t, "c0")
		eventually(t, "offer to all three", func() bool { return len(r.offeredTo(t, conv)) == 3 })
		if err := r.accept(t, 2, conv); err != nil {
			t.Fatal(err)
		}
		if err := r.accept(t, 0, conv); err == nil {
			t.Fatal("a second operator accepted the same conversation")
		}
	})
	t.Run("offline, break and full operators are skipped", func(t *testing.T) {
		r := newRouteFixture(t, inbox.Evenly, 1)
		r.presence(t, 0, inbox.Online)
		r.presence(t, 1, inbox.Break)
		c0 := r.newConv(t, "c0")
		if got := r.offeredTo(t, c0); !same(got, 0) {
			t.Fatalf("offered to %v", got)
		}
		// a is now full (the offer reserves its only place): nobody else is free.
		c1 := r.newConv(t, "c1")
		time.Sleep(700 * time.Millisecond)
		if offers, _ := r.fixture.n.Inbox.Presence.MyOffers(context.Background(), r.ops[0].Scope("")); len(offers) != 1 {
			t.Fatalf("a full operator got %d offers", len(offers))
		}
		r.presence(t, 2, inbox.Online)
		if got := r.offeredTo(t, c1); !same(got, 2) {
			t.Fatalf("second conversation offered to %v, want c", got)
		}
		// The routing log says why b was skipped.
		log, err := r.fixture.n.Inbox.Conversations.RoutingLog(context.Background(), r.fixture.n.System, c0)
		if err != nil || len(log) == 0 || fmt.Sprint(log[0].Reason["skipped"]) == "map[]" {
			t.Fatalf("routing log %+v %v", log, err)
		}
		if fmt.Sprint(log[0].Reason["skipped"].(map[string]any)[r.ops[1].ID]) != "break" {
			t.Fatalf("routing log does not explain the skip: %+v", log[0].Reason)
		}
	})
	t.Run("a returning contact goes back to their operator", func(t *testing.T) {
		r := newRouteFixture(t, inbox.Evenly, 5)
		r.presence(t, 1, inbox.Online)
		conv := r.newConv(t, "loyal")
		r.offeredTo(t, conv)
		if err := r.accept(t, 1, conv); err != nil {
			t.Fatal(err)
		}
		if _, err := r.fixture.n.Inbox.Actions.Close(context.Background(), r.ops[1].Scope(""), conv); err != nil {
			t.Fatal(err)
		}
		r.presence(t, 0, inbox.Online)
		r.presence(t, 2, inbox.Online)
		r.fixture.n.DB.Exec(`UPDATE inbox_conversations SET closed_at = 1 WHERE id = $1`, conv) // beyond the reopen window
		again := r.newConv(t, "loyal")
		if again == conv {
			t.Fatal("an old conversation was reopened")
		}
		if got := r.offeredTo(t, again); !same(got, 1) {
			t.Fatalf("returning contact offered to %v, want their operator b", got)
		}
	})
	t.Run("an offer nobody takes moves on; priority jumps the queue", func(t *testing.T) {
		r := newRouteFixture(t, inbox.Strict, 1)
		r.presence(t, 0, inbox.Online)
		conv := r.newConv(t, "c0")
		if got := r.offeredTo(t, conv); !same(got, 0) {
			t.Fatalf("offered to %v", got)
		}
		r.presence(t, 1, inbox.Online)
		// a lets the 5-second offer lapse; it goes to b.
		eventually(t, "offer moved to b", func() bool { return same(r.offeredTo(t, conv), 1) })
		// An offer is published before its row is written (the operator
		// should not wait for the log), so the row may trail the offer.
		var decisions []string
		eventually(t, "the routing log explains the move", func() bool {
			log, _ := r.fixture.n.Inbox.Conversations.RoutingLog(context.Background(), r.fixture.n.System, conv)
			decisions = decisions[:0]
			for _, e := range log {
				decisions = append(decisions, e.Decision)
			}
			return fmt.Sprint(decisions) == "[offered timeout offered]"
		})
		// Both busy now; two wait, and the urgent one is offered first.
		normal := r.newConv(t, "c1")
		urgent := r.newConv(t, "c2")
		if _, err := r.fixture.n.Inbox.Actions.SetPriority(context.Background(), r.fixture.n.System, urgent, 2); err != nil {
			t.Fatal(err)
		}
		r.presence(t, 2, inbox.Online)
		if got := r.offeredTo(t, urgent); !same(got, 2) {
			t.Fatalf("urgent offered to %v", got)
		}
		if offers, _ := r.fixture.n.Inbox.Presence.MyOffers(context.Background(), r.ops[2].Scope("")); len(offers) != 1 || offers[0].ConversationID != urgent {
			t.Fatalf("c's offers %+v, want only the urgent one (normal %s)", offers, normal)
		}
	})
	t.Run("an operator who vanishes loses their offers", func(t *testing.T) {
		r := newRouteFixture(t, inbox.Evenly, 5)
		r.presence(t, 0, inbox.Online)
		conv := r.newConv(t, "c0")
		r.offeredTo(t, conv)
		r.presence(t, 1, inbox.Online)
		r.fixture.n.KV.Del(context.Background(), r.fixture.n.KV.Key("inbox", "alive", r.ops[0].ID)) // heartbeats stopped
		eventually(t, "offer moved on", func() bool { return same(r.offeredTo(t, conv), 1) })
	})
}

// A conversation waiting longer than its line allows raises an alert for
// the supervisors, and stays in the queue.
func TestQueueAlert(t *testing.T) {
	f := newFixture(t, inbox.Manual)
	ctx := context.Background()
	l := f.line
	l.QueueAlertS = 1
	if _, err := f.n.Inbox.Lines.Update(ctx, f.n.System, l); err != nil {
		t.Fatal(err)
	}
	chair := f.n.AddUser(t, "chair", access.Chairman, f.n.Root.ID, "password-c")
	ws := dial(t, f.n.Server.URL, f.token(t, chair), 0)
	_, r := f.post(t, f.n.Server.URL, "m", "1", "ждём")
	ev := ws.waitEvent(t, "alert", func(ev map[string]any) bool { return ev["conversation_id"] == r.ConversationID })
	if ev["data"].(map[string]any)["limit_s"].(float64) != 1 {
		t.Fatalf("alert %v", ev)
	}
	var status string
	_ = f.n.DB.QueryRow(`SELECT status FROM inbox_conversations WHERE id = $1`, r.ConversationID).Scan(&status)
	if status != inbox.StatusWaiting {
		t.Fatalf("alerted conversation is %s", status)
	}
}

// TestRoutingLogBatch: a routing pass that offers several conversations
// writes their log rows together, and a sweep that expires several offers
// likewise; each conversation still has its own rows, with the same
// decisions and reasons as when they were written one by one.
func TestRoutingLogBatch(t *testing.T) {
	r := newRouteFixture(t, inbox.Evenly, 5)
	ctx := context.Background()
	var convs []string
	for i := range 3 {
		convs = append(convs, r.newConv(t, fmt.Sprintf("batch%d", i)))
	}
	eventually(t, "three waiting", func() bool { return queueLen(t, r.fixture.n, r.line.ID) == 3 })
	// a comes online alone: one pass offers all three to a.
	r.presence(t, 0, inbox.Online)
	for _, c := range convs {
		if got := r.offeredTo(t, c); !same(got, 0) {
			t.Fatalf("%s offered to %v, want a", c, got)
		}
	}
	logOf := func(conv string) []inbox.RoutingEntry {
		log, err := r.fixture.n.Inbox.Conversations.RoutingLog(ctx, r.fixture.n.System, conv)
		if err != nil {
			t.Fatal(err)
		}
		return log
	}
	a, b, c := r.ops[0].ID, r.ops[1].ID, r.ops[2].ID
	// Nobody accepts: the 5-second offers lapse together, and nobody else
	// is there to take them (a let them time out, b and c are offline).
	for _, conv := range convs {
		var log []inbox.RoutingEntry
		eventually(t, "offer and timeout logged for "+conv, func() bool { log = logOf(conv); return len(log) >= 2 })
		if len(log) != 2 {
			t.Fatalf("%s: %d rows, want offered and timeout: %+v", conv, len(log), log)
		}
		off, out := log[0], log[1]
		if off.Decision != "offered" || off.OperatorID != a || off.Reason["mode"] != "evenly" || off.Reason["rule"] != "evenly" {
			t.Fatalf("%s: offer row %+v", conv, off)
		}
		skipped, _ := off.Reason["skipped"].(map[string]any)
		if len(skipped) != 2 || skipped[b] != "offline" || skipped[c] != "offline" {
			t.Fatalf("%s: skipped %v, want b and c offline", conv, off.Reason["skipped"])
		}
		if dl, _ := off.Reason["deadline"].(float64); int64(dl) < off.At+4000 || int64(dl) > off.At+6000 {
			t.Fatalf("%s: deadline %v for an offer made at %d with a 5 s timeout", conv, off.Reason["deadline"], off.At)
		}
		if out.Decision != "timeout" || out.OperatorID != a || out.Reason["timeout_s"] != float64(5) || out.At < off.At {
			t.Fatalf("%s: timeout row %+v after %+v", conv, out, off)
		}
	}
}
