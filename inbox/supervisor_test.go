package inbox_test

import (
	"context"
	"errors"
	"testing"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

func TestSupervisorOverviewAndTakeOver(t *testing.T) {
	f := newFixture(t, inbox.Manual)
	ctx := context.Background()
	base := f.n.Server.URL
	chair := f.n.AddUser(t, "chair", access.Chairman, f.n.Root.ID, "password-c")
	f.online(t, f.tok1)
	_, a := f.post(t, base, "m1", "1", "раз")
	f.post(t, base, "m2", "2", "два")
	if _, err := f.n.Inbox.Routing.Take(ctx, f.op1.Scope(""), a.ConversationID); err != nil {
		t.Fatal(err)
	}
	ov, err := f.n.Inbox.Supervisor.Overview(ctx, chair.Scope(""), nil)
	if err != nil || len(ov) != 1 {
		t.Fatalf("overview %+v %v", ov, err)
	}
	l := ov[0]
	if l.Waiting != 1 || l.Active != 1 || l.ReceivedToday != 2 || len(l.Operators) != 2 {
		t.Fatalf("line overview %+v", l)
	}
	if l.Operators[0].Presence != inbox.Online || l.Operators[0].Active != 1 || l.Operators[1].Presence != inbox.Offline {
		t.Fatalf("operators %+v", l.Operators)
	}
	// Operators supervise nothing; the chairman takes the conversation over.
	if ov, _ := f.n.Inbox.Supervisor.Overview(ctx, f.op2.Scope(""), nil); len(ov) != 0 {
		t.Fatalf("an operator sees the supervisor view: %+v", ov)
	}
	if _, err := f.n.Inbox.Routing.TakeOver(ctx, f.op2.Scope(""), a.ConversationID); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("operator took over: %v", err)
	}
	c, err := f.n.Inbox.Routing.TakeOver(ctx, chair.Scope(""), a.ConversationID)
	if err != nil || c.AssigneeID != chair.ID {
		t.Fatalf("take over: %+v %v", c, err)
	}
	if _, err := f.n.Inbox.Dispatch.Reply(ctx, chair.Scope(""), a.ConversationID, inbox.ReplyInput{Text: "Здравствуйте, это председатель."}); err != nil {
		t.Fatal(err)
	}
	log, _ := f.n.Inbox.Conversations.RoutingLog(ctx, chair.Scope(""), a.ConversationID)
	if got := log[len(log)-1]; got.Decision != "taken_over" || got.OperatorID != chair.ID {
		t.Fatalf("last routing entry %+v", got)
	}
}

// A chairman supervises the lines of their own subtree only: the
// chairman of another committee who answers in a line is its operator
// there, not its supervisor.
func TestChairmanSupervisesOnlyTheirSubtree(t *testing.T) {
	f := newFixture(t, inbox.Manual)
	ctx := context.Background()
	other := f.n.AddUnit(t, "", org.Committee, "Другой обком")
	chair := f.n.AddUser(t, "chair-other", access.Chairman, other.ID, "password-c")
	line := f.line
	line.Operators = append(line.Operators, inbox.LineOperator{UserID: chair.ID})
	if _, err := f.n.Inbox.Lines.Update(ctx, f.n.System, line); err != nil {
		t.Fatal(err)
	}
	_, a := f.post(t, f.n.Server.URL, "m1", "1", "раз")
	if _, err := f.n.Inbox.Routing.Take(ctx, f.op1.Scope(""), a.ConversationID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.n.Inbox.Routing.TakeOver(ctx, chair.Scope(""), a.ConversationID); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("the other committee's chairman took over: %v", err)
	}
	if _, err := f.n.Inbox.Dispatch.Reply(ctx, chair.Scope(""), a.ConversationID, inbox.ReplyInput{Text: "Я не отсюда."}); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("the other committee's chairman answered op1's conversation: %v", err)
	}
}
