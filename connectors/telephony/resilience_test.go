package telephony_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/connectors/telephony"
	"github.com/profhub/profhub/connectors/telephony/pbxsim"
	"github.com/profhub/profhub/hub"
	"github.com/profhub/profhub/inbox"
)

// All notifications of a call arriving at once (two PBX retries racing,
// or several hub nodes) still make one record, the same as in order.
func TestConcurrentEventsOneRecord(t *testing.T) {
	for _, p := range []string{"generic", "mango"} {
		t.Run(p, func(t *testing.T) {
			e := newEnv(t, p, nil)
			c := call("race", true)
			ns := e.pbx.Notifications(c)
			var wg sync.WaitGroup
			for round := 0; round < 3; round++ {
				for _, n := range ns {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if code, err := pbxsim.Post(e.hook, n); err != nil || code != 200 {
							t.Errorf("post: %d %v", code, err)
						}
					}()
				}
			}
			wg.Wait()
			r := e.oneCall(t)
			if r["result"] != "answered" || r["talk_s"] != 95.0 || r["wait_s"] != 12.0 || r["operator_id"] != e.op || r["member_id"] != e.member.ID {
				t.Fatalf("record: %v", r)
			}
			// generic: started, ringing, answered, ended; mango: two legs
			// appearing, the answer, and the summary's end and answer (the
			// operator's leg hanging up is not an event of the call).
			if n := e.count(t, "tel_call_events"); n != map[string]int{"generic": 4, "mango": 5}[p] {
				t.Fatalf("%d events stored for %d notifications, each sent 3 times", n, len(ns))
			}
		})
	}
}

// A missed call whose conversation could not be made when it ended (the
// inbox refused it) is queued by the worker's pass later: none is lost.
func TestMissedCallQueuedLater(t *testing.T) {
	e := newEnv(t, "generic", nil)
	ctx := context.Background()
	if err := e.n.Inbox.Channels.SetDisabled(ctx, e.n.System, e.ch.ID, true); err != nil {
		t.Fatal(err)
	}
	deps := telephony.Deps{Inbox: hub.TelephonyInbox(e.n.Inbox), Blobs: e.n.Blobs, DB: e.n.DB, Staff: hub.TelephonyStaff(e.n.Org), Members: hub.TelephonyMembers(e.n.CRM.Members), Log: e.n.Log}
	t0 := time.Now().Add(-time.Minute)
	err := telephony.HandleEvents(ctx, deps, e.ch, []telephony.Event{
		{CallID: "late", Key: "1", At: t0, Kind: telephony.EvStarted, Direction: "in", Number: "89035550011"},
		{CallID: "late", Key: "2", At: t0.Add(30 * time.Second), Kind: telephony.EvEnded, Result: telephony.ResMissed},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := e.oneCall(t); r["result"] != "missed" || r["conversation_id"] != nil {
		t.Fatalf("call before: %v", r)
	}
	if err := e.n.Inbox.Channels.SetDisabled(ctx, e.n.System, e.ch.ID, false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the worker to queue the missed call", func() bool {
		_ = e.n.Telephony.QueueMissed(ctx)
		return e.oneCall(t)["conversation_id"] != nil
	})
	convs, _ := e.n.Inbox.Conversations.List(ctx, e.n.System, inbox.ConversationFilter{Status: inbox.StatusWaiting})
	if len(convs) != 1 || convs[0].ExternalChatID != strangerPhone {
		t.Fatalf("queue: %+v", convs)
	}
}
