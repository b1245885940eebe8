package automation_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/profhub/profhub/automation"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// An operator's macro: label, reply as the operator, close — each step in
// the history with the macro's name.
func TestMacroRunsItsSteps(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	m, err := r.n.Automation.SaveMacro(ctx, r.n.System, automation.Macro{Name: "Взносы: ответить и закрыть", Actions: []automation.Action{
		{Kind: automation.DoLabel, Value: r.label.ID}, {Kind: automation.DoReply, Value: "Взносы платятся до 10 числа."}, {Kind: automation.DoClose}}})
	if err != nil {
		t.Fatal(err)
	}
	id := r.write(t, "a", "когда платить?")
	if _, err := r.n.Inbox.Routing.Take(ctx, r.sc1, id); err != nil {
		t.Fatal(err)
	}
	c, err := r.n.Automation.RunMacro(ctx, r.sc1, m.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != inbox.StatusClosed || !has(c.Labels, r.label.ID) {
		t.Fatalf("after the macro: status %s labels %v", c.Status, c.Labels)
	}
	h := r.history(t, id)
	if strings.Count(h, `"source":"macro"`) != 3 || !strings.Contains(h, `"rule":"Взносы: ответить и закрыть"`) {
		t.Fatalf("history:\n%s", h)
	}
	ms, _ := r.n.Inbox.Conversations.Messages(ctx, r.n.System, id, 0, 100)
	replied := false
	for _, msg := range ms {
		replied = replied || (msg.Direction == inbox.DirOut && msg.AuthorID == r.op1.ID)
	}
	if !replied {
		t.Fatal("the reply is not the operator's")
	}
	// An operator may run macros but not write them.
	if _, err := r.n.Automation.SaveMacro(ctx, r.sc1, automation.Macro{Name: "x", Actions: []automation.Action{{Kind: automation.DoClose}}}); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("an operator saved a macro: %v", err)
	}
}

// A macro naming a line that is gone is refused whole: not even its first
// step (the label) is done.
func TestMacroWithDeletedLineDoesNothing(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Временная", r.n.Root.ID
	gone, err := r.n.Inbox.Lines.Create(ctx, r.n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	m, err := r.n.Automation.SaveMacro(ctx, r.n.System, automation.Macro{Name: "На временную линию", Actions: []automation.Action{
		{Kind: automation.DoLabel, Value: r.label.ID}, {Kind: automation.DoRouteLine, Value: gone.ID}, {Kind: automation.DoClose}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DELETE FROM inbox_line_operators WHERE line_id = $1`, `DELETE FROM inbox_lines WHERE id = $1`} {
		if _, err := r.n.DB.ExecContext(ctx, q, gone.ID); err != nil {
			t.Fatal(err)
		}
	}
	id := r.write(t, "a", "вопрос")
	before := r.history(t, id)
	_, err = r.n.Automation.RunMacro(ctx, r.sc1, m.ID, id)
	ref, ok := valid.AsRefusal(err)
	if !ok || ref.Key != "automation_line_gone" || !errors.Is(err, db.ErrConflict) {
		t.Fatalf("err %v, want the line-gone refusal", err)
	}
	c := r.conv(t, id)
	if len(c.Labels) != 0 || c.Status == inbox.StatusClosed || r.history(t, id) != before {
		t.Fatalf("the macro did part of its work: labels %v status %s", c.Labels, c.Status)
	}
}

// Bulk actions check each conversation against the caller's scope and
// report how many were done; one refused does not stop the others.
func TestBulkActionsPerConversationScope(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	a := r.write(t, "a", "раз")
	b := r.write(t, "b", "два")
	hidden := r.write(t, "c", "три")
	// hidden moves to the dues line, where op1 does not answer
	if _, err := r.n.Inbox.Routing.Transfer(ctx, r.n.System, hidden, inbox.TransferInput{LineID: r.dues.ID}); err != nil {
		t.Fatal(err)
	}
	res, err := r.n.Automation.Bulk(ctx, r.sc1, automation.BulkInput{IDs: []string{a, b, hidden, "no-such"}, Action: "label", LabelID: r.label.ID})
	if err != nil {
		t.Fatal(err)
	}
	if res.Done != 2 || len(res.Failed) != 2 || res.Failed[0].Code != "forbidden" || res.Failed[1].Code != "not_found" {
		t.Fatalf("label: %+v", res)
	}
	if c := r.conv(t, hidden); len(c.Labels) != 0 {
		t.Fatal("a conversation out of scope was labelled")
	}
	res, err = r.n.Automation.Bulk(ctx, r.sc1, automation.BulkInput{IDs: []string{a, b}, Action: "close"})
	if err != nil || res.Done != 2 {
		t.Fatalf("close: %+v %v", res, err)
	}
	if c := r.conv(t, a); c.Status != inbox.StatusClosed {
		t.Fatalf("status %s", c.Status)
	}
	res, err = r.n.Automation.Bulk(ctx, r.sc1, automation.BulkInput{IDs: []string{a}, Action: "explode"})
	if _, ok := valid.As(err); !ok {
		t.Fatalf("unknown action: %+v %v", res, err)
	}
	if _, err := r.n.Automation.Bulk(ctx, r.sc1, automation.BulkInput{Action: "close"}); err == nil {
		t.Fatal("an empty bulk action was accepted")
	}
}
