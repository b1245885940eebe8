package automation_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/profhub/profhub/automation"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// rig is a hub with a general line (two operators, an API channel), the
// dues line «Взносы» (one operator) and a label «Взносы».
type rig struct {
	n        *hubtest.Node
	general  inbox.Line
	dues     inbox.Line
	channel  inbox.Channel
	label    inbox.Label
	op1, op2 org.User
	sc1, sc2 access.Scope
	seq      atomic.Int64
}

func newRig(t *testing.T) *rig { return newRigOn(t, hubtest.Start(t)) }

func newRigOn(t *testing.T, n *hubtest.Node) *rig {
	t.Helper()
	ctx := context.Background()
	r := &rig{n: n}
	r.op1 = n.AddUser(t, "op1", access.Operator, n.Root.ID, "password-1")
	r.op2 = n.AddUser(t, "op2", access.Operator, n.Root.ID, "password-2")
	r.sc1, r.sc2 = r.op1.Scope("test"), r.op2.Scope("test")
	var err error
	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Общая линия", n.Root.ID
	l.Operators = []inbox.LineOperator{{UserID: r.op1.ID}, {UserID: r.op2.ID}}
	if r.general, err = n.Inbox.Lines.Create(ctx, n.System, l); err != nil {
		t.Fatal(err)
	}
	l = inbox.DefaultLine()
	l.Name, l.UnitID = "Взносы", n.Root.ID
	l.Operators = []inbox.LineOperator{{UserID: r.op2.ID}}
	if r.dues, err = n.Inbox.Lines.Create(ctx, n.System, l); err != nil {
		t.Fatal(err)
	}
	if r.channel, _, err = n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: r.general.ID, Kind: inbox.KindAPI, Name: "Сайт"}); err != nil {
		t.Fatal(err)
	}
	if r.label, err = n.Inbox.Labels.Save(ctx, n.System, inbox.Label{Name: "Взносы", Color: "#2e7d32"}); err != nil {
		t.Fatal(err)
	}
	return r
}

// write ingests a contact's message and returns its conversation id.
func (r *rig) write(t *testing.T, contact, text string) string {
	t.Helper()
	res, err := r.n.Inbox.Ingestion.Ingest(context.Background(), inbox.Inbound{ChannelID: r.channel.ID,
		ExternalMessageID: fmt.Sprintf("m%d", r.seq.Add(1)), From: inbox.Identity{ExternalID: contact, Name: "Член профсоюза " + contact},
		Text: text, NoAutoReply: true})
	if err != nil {
		t.Fatal(err)
	}
	return res.ConversationID
}

// rule saves a rule as the administrator.
func (r *rig) rule(t *testing.T, rule automation.Rule) automation.Rule {
	t.Helper()
	rule.Enabled = true
	out, err := r.n.Automation.SaveRule(context.Background(), r.n.System, rule)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// run runs the rules on everything logged so far.
func (r *rig) run(t *testing.T) {
	t.Helper()
	if _, err := r.n.Automation.RunEvents(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (r *rig) conv(t *testing.T, id string) inbox.Conversation {
	t.Helper()
	c, err := r.n.Inbox.Automation.Conversation(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// history is the conversation's system entries as "event:detail" text.
func (r *rig) history(t *testing.T, id string) string {
	t.Helper()
	ms, err := r.n.Inbox.Conversations.Messages(context.Background(), r.n.System, id, 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, m := range ms {
		if m.Direction == inbox.DirSystem {
			b.WriteString(m.Text + "\n")
		}
	}
	return b.String()
}

// eventually waits for cond, generously for a loaded machine.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
