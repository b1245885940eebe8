package demo_test

import (
	"context"
	"testing"

	"github.com/profhub/profhub/connectors/telephony"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
)

// checkTelephony verifies the demo's phone line: its calls, and the
// missed ones waiting in the queue.
func checkTelephony(t *testing.T, n *hubtest.Node) {
	t.Helper()
	ctx := context.Background()
	calls, err := n.Telephony.ListCalls(ctx, n.System, telephony.CallFilter{})
	if err != nil {
		t.Fatal(err)
	}
	res := map[string]int{}
	linked := 0
	for _, c := range calls {
		res[c.Direction+" "+c.Result]++
		if c.MemberName != "" {
			linked++
		}
	}
	if len(calls) != 7 || res["in answered"] != 2 || res["in missed"] != 3 || res["out busy"] != 1 || res["out answered"] != 1 || linked != 5 {
		t.Errorf("demo calls: %d %v, %d linked to members", len(calls), res, linked)
	}
	convs, err := n.Inbox.Conversations.List(ctx, n.System, inbox.ConversationFilter{ChannelKind: inbox.KindTelephony})
	if err != nil || len(convs) != 2 {
		t.Fatalf("missed-call conversations: %v %d", err, len(convs))
	}
}
