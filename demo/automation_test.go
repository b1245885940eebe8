package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/automation"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
)

// checkAutomation: the demo's rule sends a new message about dues to the
// dues line, labelled; an appeal is thanked with a quick answer; the
// macros are there for operators.
func checkAutomation(t *testing.T, n *hubtest.Node) {
	t.Helper()
	ctx := context.Background()
	rules, err := n.Automation.Rules(ctx, n.System)
	if err != nil || len(rules) != 3 {
		t.Fatalf("demo rules: %d %v", len(rules), err)
	}
	if r := rules[2]; r.Name != "Обращение заведено — поблагодарить" || r.On != automation.OnAppeal || r.Actions[0].Kind != automation.DoTemplate {
		t.Fatalf("the demo's appeal rule: %+v", r)
	}
	macros, err := n.Automation.Macros(ctx, n.System)
	if err != nil || len(macros) != 2 {
		t.Fatalf("demo macros: %d %v", len(macros), err)
	}
	chans, err := n.Inbox.Channels.List(ctx, n.System)
	if err != nil || len(chans) == 0 {
		t.Fatalf("channels: %v", err)
	}
	var api inbox.Channel
	for _, c := range chans {
		if c.Kind == inbox.KindAPI {
			api = c
		}
	}
	res, err := n.Inbox.Ingestion.Ingest(ctx, inbox.Inbound{ChannelID: api.ID, ExternalMessageID: "demo-dues-check",
		From: inbox.Identity{ExternalID: "dues-check", Name: "Проверка правила"}, Text: "Как платить членские взносы?", NoAutoReply: true})
	if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		c, err := n.Inbox.Conversations.Get(ctx, n.System, res.ConversationID)
		if err != nil {
			t.Fatal(err)
		}
		line, _ := n.Inbox.Lines.Get(ctx, n.System, c.LineID)
		if line.Name == "Взносы" && len(c.Labels) == 1 {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("the dues rule did not act: line %q labels %v", line.Name, c.Labels)
		}
	}
}
