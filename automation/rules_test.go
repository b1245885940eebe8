package automation_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/automation"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
)

// The rule of the issue: a message about dues ("взнос" in any form, any
// case) is labelled and routed to the dues line, and the history names
// the rule; other messages stay where they came.
func TestRuleLabelsAndRoutesDuesMessages(t *testing.T) {
	r := newRig(t)
	r.rule(t, automation.Rule{Name: "Взносы — на линию взносов", On: automation.OnMessage,
		Conditions: []automation.Condition{{Kind: automation.IfWords, Value: "взнос"}},
		Actions:    []automation.Action{{Kind: automation.DoLabel, Value: r.label.ID}, {Kind: automation.DoRouteLine, Value: r.dues.ID}}})
	dues := r.write(t, "a", "Подскажите, до какого числа платить ВЗНОСЫ за декабрь?")
	other := r.write(t, "b", "Здравствуйте, вопрос об отпуске")
	r.run(t)
	c := r.conv(t, dues)
	if c.LineID != r.dues.ID || !has(c.Labels, r.label.ID) {
		t.Fatalf("dues conversation: line %s labels %v, want the dues line and the label", c.LineID, c.Labels)
	}
	h := r.history(t, dues)
	if !strings.Contains(h, `"rule":"Взносы — на линию взносов"`) || !strings.Contains(h, `"action":"route_line"`) || !strings.Contains(h, `"detail":"Взносы"`) {
		t.Fatalf("history does not name the rule's actions:\n%s", h)
	}
	if c := r.conv(t, other); c.LineID != r.general.ID || len(c.Labels) != 0 {
		t.Fatalf("other conversation moved: line %s labels %v", c.LineID, c.Labels)
	}
	// A rule fires once per event: running again changes nothing.
	r.run(t)
	if n := strings.Count(r.history(t, dues), `"action":"label"`); n != 1 {
		t.Fatalf("label logged %d times, want once", n)
	}
}

// Each trigger runs its rules: opened on a first message (not on the
// second), assigned when an operator takes it, closed on close.
func TestEachTriggerRunsItsRules(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	labels := map[string]inbox.Label{}
	for _, on := range []string{automation.OnOpened, automation.OnAssigned, automation.OnClosed, automation.OnMessage} {
		l, err := r.n.Inbox.Labels.Save(ctx, r.n.System, inbox.Label{Name: "on " + on, Color: "#123456"})
		if err != nil {
			t.Fatal(err)
		}
		labels[on] = l
		r.rule(t, automation.Rule{Name: "rule " + on, On: on, Actions: []automation.Action{{Kind: automation.DoLabel, Value: l.ID}}})
	}
	id := r.write(t, "a", "первое")
	r.run(t)
	c := r.conv(t, id)
	if !has(c.Labels, labels[automation.OnOpened].ID) || !has(c.Labels, labels[automation.OnMessage].ID) || has(c.Labels, labels[automation.OnAssigned].ID) {
		t.Fatalf("after the first message: labels %v", c.Labels)
	}
	if _, err := r.n.Inbox.Labels.SetLabel(ctx, r.sc1, id, labels[automation.OnOpened].ID, false); err != nil {
		t.Fatal(err)
	}
	r.write(t, "a", "второе")
	r.run(t)
	if c := r.conv(t, id); has(c.Labels, labels[automation.OnOpened].ID) {
		t.Fatal("the second message opened the conversation again")
	}
	if _, err := r.n.Inbox.Routing.Take(ctx, r.sc1, id); err != nil {
		t.Fatal(err)
	}
	r.run(t)
	if c := r.conv(t, id); !has(c.Labels, labels[automation.OnAssigned].ID) || has(c.Labels, labels[automation.OnClosed].ID) {
		t.Fatalf("after take: labels %v", c.Labels)
	}
	if _, err := r.n.Inbox.Actions.Close(ctx, r.sc1, id); err != nil {
		t.Fatal(err)
	}
	r.run(t)
	if c := r.conv(t, id); !has(c.Labels, labels[automation.OnClosed].ID) {
		t.Fatalf("after close: labels %v", c.Labels)
	}
}

// Each action does what it says.
func TestEachActionActs(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	var appeals0 int
	_ = r.n.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM crm_appeals`).Scan(&appeals0)
	r.rule(t, automation.Rule{Name: "Всё сразу", On: automation.OnMessage,
		Conditions: []automation.Condition{{Kind: automation.IfChannel, Value: "api"}, {Kind: automation.IfLine, Value: r.general.ID}},
		Actions: []automation.Action{
			{Kind: automation.DoPriority, Value: "2"},
			{Kind: automation.DoRouteOperator, Value: r.op2.ID},
			{Kind: automation.DoReply, Value: "Ваше обращение получено"},
			{Kind: automation.DoAppeal, Value: "Вопрос из чата"},
			{Kind: automation.DoNotify, Value: r.op1.ID},
			{Kind: automation.DoClose},
		}})
	id := r.write(t, "a", "помогите")
	r.run(t)
	c := r.conv(t, id)
	if c.Priority != 2 || c.AssigneeID != r.op2.ID || c.Status != inbox.StatusClosed {
		t.Fatalf("conversation: priority %d assignee %s status %s", c.Priority, c.AssigneeID, c.Status)
	}
	ms, _ := r.n.Inbox.Conversations.Messages(ctx, r.n.System, id, 0, 100)
	replied := false
	for _, m := range ms {
		replied = replied || (m.Direction == inbox.DirOut && m.Text == "Ваше обращение получено")
	}
	if !replied {
		t.Fatal("no reply sent")
	}
	var appeals, notices int
	_ = r.n.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM crm_appeals`).Scan(&appeals)
	_ = r.n.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_items WHERE user_id = $1`, r.op1.ID).Scan(&notices)
	if appeals != appeals0+1 || notices == 0 {
		t.Log(r.history(t, id))
		t.Fatalf("appeals %d (was %d), notices to op1 %d", appeals, appeals0, notices)
	}
	if h := r.history(t, id); strings.Contains(h, "_failed") {
		t.Fatalf("an action failed:\n%s", h)
	}
}

// A rule's actions never trigger rules: the assignment a rule made does
// not run the "assigned" rules, while an operator's does.
func TestRuleNeverRunsOnRulesActions(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.rule(t, automation.Rule{Name: "Назначить", On: automation.OnMessage,
		Actions: []automation.Action{{Kind: automation.DoRouteOperator, Value: r.op1.ID}}})
	// This one would loop on itself if rules heard their own actions.
	r.rule(t, automation.Rule{Name: "Передать дальше", On: automation.OnAssigned,
		Actions: []automation.Action{{Kind: automation.DoPriority, Value: "2"}, {Kind: automation.DoRouteOperator, Value: r.op2.ID}}})
	id := r.write(t, "a", "вопрос")
	r.run(t)
	r.run(t)
	if c := r.conv(t, id); c.AssigneeID != r.op1.ID || c.Priority != 0 {
		t.Fatalf("rule-made assignment ran the assigned rule: assignee %s priority %d", c.AssigneeID, c.Priority)
	}
	if _, err := r.n.Inbox.Routing.Transfer(ctx, r.sc1, id, inbox.TransferInput{OperatorID: r.op2.ID}); err != nil {
		t.Fatal(err)
	}
	r.run(t)
	r.run(t)
	if c := r.conv(t, id); c.Priority != 2 {
		t.Fatalf("an operator's transfer did not run the assigned rule: priority %d", c.Priority)
	}
}

// The loop guard: however rules are set up, they act on one conversation
// a bounded number of times in ten minutes.
func TestLoopGuardBoundsRunsPerConversation(t *testing.T) {
	r := newRig(t)
	r.n.Automation.Stop() // the test's copy alone runs the rules
	svc := r.n.Automation.Detached(time.Now, 3)
	r.rule(t, automation.Rule{Name: "Ответ", On: automation.OnMessage, Actions: []automation.Action{{Kind: automation.DoReply, Value: "Принято"}}})
	var id string
	for range 6 {
		id = r.write(t, "a", "ещё")
	}
	if _, err := svc.RunEvents(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(r.history(t, id), `"action":"reply"`); n != 3 {
		t.Fatalf("rule acted %d times, want 3 (the guard)", n)
	}
}

// No answer for N minutes of the line's working time: the minutes out of
// hours do not count. Friday 17:58 to Monday 09:03 is five minutes.
func TestNoAnswerCountsWorkingMinutes(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	day := []inbox.Period{{From: "09:00", To: "18:00"}}
	l := r.general
	l.Hours = inbox.WorkingHours{TZ: "Asia/Yekaterinburg", Week: map[string][]inbox.Period{"mon": day, "tue": day, "wed": day, "thu": day, "fri": day}}
	if _, err := r.n.Inbox.Lines.Update(ctx, r.n.System, l); err != nil {
		t.Fatal(err)
	}
	r.rule(t, automation.Rule{Name: "Без ответа", On: automation.OnNoAnswer, IdleMin: 5,
		Actions: []automation.Action{{Kind: automation.DoPriority, Value: "1"}}})
	id := r.write(t, "a", "ответьте")
	zone, _ := time.LoadLocation("Asia/Yekaterinburg")
	wrote := time.Date(2026, 12, 4, 17, 58, 0, 0, zone) // a Friday
	if _, err := r.n.DB.ExecContext(ctx, `UPDATE inbox_conversations SET last_inbound_at = $2 WHERE id = $1`, id, wrote.UnixMilli()); err != nil {
		t.Fatal(err)
	}
	_, _ = r.n.DB.ExecContext(ctx, `UPDATE inbox_messages SET created_at = $2 WHERE conversation_id = $1`, id, wrote.UnixMilli())
	for _, tc := range []struct {
		at   time.Time
		want int
	}{
		{time.Date(2026, 12, 5, 12, 0, 0, 0, zone), 0}, // Saturday: two minutes so far
		{time.Date(2026, 12, 7, 9, 2, 0, 0, zone), 0},  // Monday 09:02: four
		{time.Date(2026, 12, 7, 9, 3, 0, 0, zone), 1},  // five
		{time.Date(2026, 12, 7, 9, 30, 0, 0, zone), 0}, // once per wait
	} {
		at := tc.at
		if err := r.n.Automation.Detached(func() time.Time { return at }, 30).RunNoAnswer(ctx); err != nil {
			t.Fatal(err)
		}
		if c := r.conv(t, id); c.Priority != tc.want {
			t.Fatalf("at %s: priority %d, want %d", at, c.Priority, tc.want)
		}
		if tc.want == 1 {
			_, _ = r.n.Inbox.Actions.SetPriority(ctx, r.n.System, id, 0)
		}
	}
}

// Bad rules are refused with a reason, and nothing is saved.
func TestBadRulesAreRefused(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	for name, rule := range map[string]automation.Rule{
		"no name":        {On: automation.OnMessage, Actions: []automation.Action{{Kind: automation.DoClose}}},
		"no trigger":     {Name: "x", On: "sometimes", Actions: []automation.Action{{Kind: automation.DoClose}}},
		"no actions":     {Name: "x", On: automation.OnMessage},
		"no words":       {Name: "x", On: automation.OnMessage, Conditions: []automation.Condition{{Kind: automation.IfWords, Value: " , "}}, Actions: []automation.Action{{Kind: automation.DoClose}}},
		"no idle":        {Name: "x", On: automation.OnNoAnswer, Actions: []automation.Action{{Kind: automation.DoClose}}},
		"missing line":   {Name: "x", On: automation.OnMessage, Actions: []automation.Action{{Kind: automation.DoRouteLine, Value: "nope"}}},
		"bad priority":   {Name: "x", On: automation.OnMessage, Actions: []automation.Action{{Kind: automation.DoPriority, Value: "9"}}},
		"unknown action": {Name: "x", On: automation.OnMessage, Actions: []automation.Action{{Kind: automation.DoAppeal + "x"}}},
	} {
		_, err := r.n.Automation.SaveRule(ctx, r.n.System, rule)
		_, isValid := valid.As(err)
		_, isRefusal := valid.AsRefusal(err)
		if !isValid && !isRefusal {
			t.Errorf("%s: err %v, want a validation error", name, err)
		}
	}
	if rs, _ := r.n.Automation.Rules(ctx, r.n.System); len(rs) != 0 {
		t.Fatalf("%d rules saved", len(rs))
	}
	if _, err := r.n.Automation.Rules(ctx, r.sc1); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("an operator reads the rules: %v", err)
	}
}

// A new rule runs on what happens from then on, not on the events logged
// before it (such as the demo's, or a night's queue).
func TestRuleDoesNotRunOnEarlierEvents(t *testing.T) {
	r := newRig(t)
	r.n.Automation.Stop() // nothing runs the rules until the test does
	id := r.write(t, "a", "про взносы")
	time.Sleep(5 * time.Millisecond) // the rule is created after the message
	r.rule(t, automation.Rule{Name: "Взносы", On: automation.OnMessage,
		Conditions: []automation.Condition{{Kind: automation.IfWords, Value: "взнос"}},
		Actions:    []automation.Action{{Kind: automation.DoLabel, Value: r.label.ID}}})
	later := r.write(t, "b", "и снова о взносах")
	r.run(t)
	if c := r.conv(t, id); len(c.Labels) != 0 {
		t.Fatal("the rule ran on a message from before it")
	}
	if c := r.conv(t, later); !has(c.Labels, r.label.ID) {
		t.Fatal("the rule did not run on a later message")
	}
}

// The attribute condition reads the conversation's custom field, and the
// label condition the labels an earlier rule put on.
func TestAttributeAndLabelConditions(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	if _, err := r.n.CRM.CustomFields.CreateCustomField(ctx, r.n.System, crm.CustomFieldInput{Entity: crm.EntityConversation, Key: "tema",
		Label: "Тема", Kind: crm.CustomChoice, Choices: []string{"Зарплата", "Отпуск"}}); err != nil {
		t.Fatal(err)
	}
	urgent, err := r.n.Inbox.Labels.Save(ctx, r.n.System, inbox.Label{Name: "Срочно", Color: "#c62828"})
	if err != nil {
		t.Fatal(err)
	}
	r.rule(t, automation.Rule{Name: "Зарплата — срочно", On: automation.OnMessage,
		Conditions: []automation.Condition{{Kind: automation.IfAttribute, Value: "tema = зарплата"}},
		Actions:    []automation.Action{{Kind: automation.DoLabel, Value: urgent.ID}}})
	r.rule(t, automation.Rule{Name: "Срочно — приоритет", On: automation.OnMessage,
		Conditions: []automation.Condition{{Kind: automation.IfLabel, Value: urgent.ID}},
		Actions:    []automation.Action{{Kind: automation.DoPriority, Value: "2"}}})
	a := r.write(t, "a", "первое")
	b := r.write(t, "b", "первое")
	r.run(t)
	if _, err := r.n.CRM.ConversationPanel.SetFields(ctx, r.n.System, a, map[string]any{"tema": "Зарплата"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.n.CRM.ConversationPanel.SetFields(ctx, r.n.System, b, map[string]any{"tema": "Отпуск"}); err != nil {
		t.Fatal(err)
	}
	r.write(t, "a", "второе")
	r.write(t, "b", "второе")
	r.run(t)
	if c := r.conv(t, a); !has(c.Labels, urgent.ID) || c.Priority != 2 {
		t.Fatalf("salary conversation: labels %v priority %d", c.Labels, c.Priority)
	}
	if c := r.conv(t, b); len(c.Labels) != 0 || c.Priority != 0 {
		t.Fatalf("vacation conversation: labels %v priority %d", c.Labels, c.Priority)
	}
	if _, err := r.n.Automation.SaveRule(ctx, r.n.System, automation.Rule{Name: "x", On: automation.OnMessage,
		Conditions: []automation.Condition{{Kind: automation.IfAttribute, Value: "tema"}}, Actions: []automation.Action{{Kind: automation.DoClose}}}); err == nil {
		t.Fatal("an attribute condition without a value was saved")
	}
}
