package automation_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
)

// Labels: defined by administrators only, checked, and the console's list
// filters by them.
func TestLabelsAndTheLabelFilter(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	for name, l := range map[string]inbox.Label{
		"empty": {Name: " ", Color: "#ffffff"}, "colour": {Name: "Срочно", Color: "red"}, "taken": {Name: "взносы", Color: "#ffffff"},
	} {
		if _, err := r.n.Inbox.Labels.Save(ctx, r.n.System, l); err == nil {
			t.Errorf("%s: accepted", name)
		} else if _, ok := valid.As(err); !ok {
			t.Errorf("%s: %v, want a validation error", name, err)
		}
	}
	if _, err := r.n.Inbox.Labels.Save(ctx, r.sc1, inbox.Label{Name: "Моя", Color: "#000000"}); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("an operator made a label: %v", err)
	}
	a := r.write(t, "a", "раз")
	r.write(t, "b", "два")
	if _, err := r.n.Inbox.Labels.SetLabel(ctx, r.sc1, a, r.label.ID, true); err != nil {
		t.Fatal(err)
	}
	list, err := r.n.Inbox.Conversations.List(ctx, r.sc1, inbox.ConversationFilter{Status: "open", LabelID: r.label.ID})
	if err != nil || len(list) != 1 || list[0].ID != a || !has(list[0].Labels, r.label.ID) {
		t.Fatalf("filtered list: %+v %v", list, err)
	}
	if _, err := r.n.Inbox.Labels.SetLabel(ctx, r.sc1, a, "no-such", true); err == nil {
		t.Fatal("an unknown label was put on")
	}
}

// Snooze until the contact writes: the conversation leaves the operator's
// active list and comes back to them when the contact writes.
func TestSnoozeUntilReplyComesBackToTheSameOperator(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	id := r.write(t, "a", "вопрос")
	if _, err := r.n.Inbox.Actions.Snooze(ctx, r.sc1, id, 0); err == nil {
		t.Fatal("a waiting conversation was snoozed")
	}
	if _, err := r.n.Inbox.Routing.Take(ctx, r.sc1, id); err != nil {
		t.Fatal(err)
	}
	if _, err := r.n.Inbox.Actions.Snooze(ctx, r.sc2, id, 0); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("another operator snoozed it: %v", err)
	}
	if _, err := r.n.Inbox.Actions.Snooze(ctx, r.sc1, id, time.Now().Add(-time.Hour).UnixMilli()); err == nil {
		t.Fatal("a snooze into the past was accepted")
	}
	c, err := r.n.Inbox.Actions.Snooze(ctx, r.sc1, id, 0)
	if err != nil || c.SnoozedUntil != inbox.SnoozeUntilReply {
		t.Fatalf("snooze: %+v %v", c, err)
	}
	mine := func(status string) int {
		l, err := r.n.Inbox.Conversations.List(ctx, r.sc1, inbox.ConversationFilter{Status: status, Mine: true})
		if err != nil {
			t.Fatal(err)
		}
		return len(l)
	}
	if mine("open") != 0 || mine("snoozed") != 1 {
		t.Fatalf("open %d snoozed %d, want 0 and 1", mine("open"), mine("snoozed"))
	}
	r.write(t, "a", "я снова пишу")
	if c := r.conv(t, id); c.SnoozedUntil != 0 || c.AssigneeID != r.op1.ID || mine("open") != 1 {
		t.Fatalf("after the contact wrote: snoozed %d assignee %s", c.SnoozedUntil, c.AssigneeID)
	}
}

// Snooze until a time: the housekeeping wakes it when the time comes.
func TestSnoozeUntilTimeWakes(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	id := r.write(t, "a", "вопрос")
	if _, err := r.n.Inbox.Routing.Take(ctx, r.sc1, id); err != nil {
		t.Fatal(err)
	}
	if _, err := r.n.Inbox.Actions.Snooze(ctx, r.sc1, id, time.Now().Add(time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	// the hour passes
	if _, err := r.n.DB.ExecContext(ctx, `UPDATE inbox_conversations SET snoozed_until = $2 WHERE id = $1`, id, time.Now().Add(-time.Second).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the snooze to end", func() bool { return r.conv(t, id).SnoozedUntil == 0 })
	if c := r.conv(t, id); c.AssigneeID != r.op1.ID || c.Status != inbox.StatusActive {
		t.Fatalf("woken: assignee %s status %s", c.AssigneeID, c.Status)
	}
}

// "Until tomorrow" is 9:00 of the installation's next day, whatever the
// hour: Orenburg's day turns at 19:00 UTC.
func TestNextMorningIsTheInstallationsTomorrow(t *testing.T) {
	zone := inbox.Zone()
	for _, tc := range []struct{ now, want time.Time }{
		{time.Date(2026, 12, 4, 18, 30, 0, 0, time.UTC), time.Date(2026, 12, 5, 9, 0, 0, 0, zone)}, // 23:30 on the 4th there
		{time.Date(2026, 12, 4, 19, 30, 0, 0, time.UTC), time.Date(2026, 12, 6, 9, 0, 0, 0, zone)}, // 00:30 on the 5th there
	} {
		if got := inbox.NextMorning(tc.now); got != tc.want.UnixMilli() {
			t.Errorf("at %s: %s, want %s", tc.now, time.UnixMilli(got).In(zone), tc.want)
		}
	}
}
