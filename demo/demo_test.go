package demo_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/profhub/profhub/auth"
	"github.com/profhub/profhub/demo"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
)

// TestFillOnRunningNode is `serve --demo`: the demo fills a node whose
// inbox engine runs, and a second fill changes nothing.
func TestFillOnRunningNode(t *testing.T) {
	n := hubtest.Start(t)
	ctx := context.Background()
	var out bytes.Buffer
	env := demo.Env{DB: n.DB, Org: n.Org, Inbox: n.Inbox, Mailing: n.Mailing, Out: &out, Params: auth.CheapPasswordParams}
	if err := demo.Fill(ctx, env); err != nil {
		t.Fatal(err)
	}
	lines, err := n.Inbox.ListLines(ctx, n.System)
	if err != nil {
		t.Fatal(err)
	}
	modes := map[string]inbox.RoutingMode{}
	for _, l := range lines {
		modes[l.Name] = l.Mode
		if len(l.Operators) != 2 {
			t.Errorf("line %q has %d operators", l.Name, len(l.Operators))
		}
	}
	if modes["Горячая линия федерации"] != inbox.Evenly || modes["Правовая консультация"] != inbox.LeastBusy {
		t.Errorf("demo lines: %v", modes)
	}
	convs, err := n.Inbox.ListConversations(ctx, n.System, inbox.ConversationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byStatus := map[string]int{}
	for _, c := range convs {
		byStatus[c.Status]++
	}
	if len(convs) != 8 || byStatus[inbox.StatusClosed] != 1 || byStatus[inbox.StatusActive] != 4 || byStatus[inbox.StatusWaiting] != 3 {
		t.Errorf("demo conversations by status: %v", byStatus)
	}

	out.Reset()
	if err := demo.Fill(ctx, env); err != nil || !strings.Contains(out.String(), "already present") {
		t.Fatalf("second fill: %v %q", err, out.String())
	}
	if again, _ := n.Inbox.ListConversations(ctx, n.System, inbox.ConversationFilter{}); len(again) != len(convs) {
		t.Errorf("second fill: %d conversations, had %d", len(again), len(convs))
	}
}
