package automation_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/profhub/profhub/automation"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/storage/db"
)

// TestContactLabels: a label of the conversations' catalogue put on a
// contact shows on each of their conversations, narrows the list, shows
// on the linked member card, and the rules' label condition sees it.
func TestContactLabels(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	vip, err := r.n.Inbox.Labels.Save(ctx, r.n.System, inbox.Label{Name: "Постоянный", Color: "#6a1b9a"})
	if err != nil {
		t.Fatal(err)
	}
	first := r.write(t, "anna", "Добрый день")
	other := r.write(t, "boris", "Здравствуйте")

	c, err := r.n.Inbox.Labels.SetContactLabel(ctx, r.sc1, first, vip.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if !has(c.ContactLabels, vip.ID) || has(c.Labels, vip.ID) {
		t.Fatalf("contact labels %v, conversation labels %v: want the label on the contact only", c.ContactLabels, c.Labels)
	}
	if _, err := r.n.Inbox.Labels.SetContactLabel(ctx, r.sc1, first, "no-such-label", true); err == nil {
		t.Fatal("an unknown label was put on a contact")
	}
	if h := r.history(t, first); !strings.Contains(h, "contact_labelled") {
		t.Fatalf("history has no contact label entry:\n%s", h)
	}

	// The next conversation of the same contact carries the label, and a
	// rule conditioned on it fires there and not for another contact.
	if _, err := r.n.Inbox.Actions.Close(ctx, r.n.System, first); err != nil {
		t.Fatal(err)
	}
	r.rule(t, automation.Rule{Name: "Постоянным — срочно", On: automation.OnMessage,
		Conditions: []automation.Condition{{Kind: automation.IfLabel, Value: vip.ID}},
		Actions:    []automation.Action{{Kind: automation.DoPriority, Value: "2"}}})
	second := r.write(t, "anna", "Снова я")
	r.write(t, "boris", "И я снова")
	r.run(t)
	got := r.conv(t, second)
	if !has(got.ContactLabels, vip.ID) || got.Priority != 2 {
		t.Fatalf("anna's next conversation: contact labels %v, priority %d; want the label and 2", got.ContactLabels, got.Priority)
	}
	if b := r.conv(t, other); b.Priority != 0 || len(b.ContactLabels) != 0 {
		t.Fatalf("boris: priority %d, contact labels %v; want neither", b.Priority, b.ContactLabels)
	}

	// The console's filter by a contact label.
	list, err := r.n.Inbox.Conversations.List(ctx, r.n.System, inbox.ConversationFilter{ContactLabelID: vip.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if c.ContactName != "Член профсоюза anna" || !has(c.ContactLabels, vip.ID) {
			t.Fatalf("filter by contact label gave %q with %v", c.ContactName, c.ContactLabels)
		}
	}
	if len(list) == 0 {
		t.Fatal("filter by contact label found nothing")
	}

	// The linked member's card shows the contact's labels.
	m, err := r.n.CRM.Members.CreateMember(ctx, r.n.System, crm.MemberInput{UnitID: r.n.Root.ID, Surname: "Аннина", GivenName: "Анна"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.n.Inbox.Actions.LinkMember(ctx, r.n.System, second, m.ID); err != nil {
		t.Fatal(err)
	}
	ls, err := r.n.Inbox.Labels.MemberLabels(ctx, r.sc2, m.ID)
	if err != nil || len(ls) != 1 || ls[0].Name != "Постоянный" || ls[0].Color != "#6a1b9a" {
		t.Fatalf("member labels %+v, %v; want «Постоянный»", ls, err)
	}

	// Taken off, and a deleted label leaves no contact labelled.
	if c, err = r.n.Inbox.Labels.SetContactLabel(ctx, r.sc1, second, vip.ID, false); err != nil || len(c.ContactLabels) != 0 {
		t.Fatalf("after taking off: %v, %v", c.ContactLabels, err)
	}
	if _, err := r.n.Inbox.Labels.SetContactLabel(ctx, r.sc1, second, vip.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := r.n.Inbox.Labels.Delete(ctx, r.n.System, vip.ID); err != nil {
		t.Fatal(err)
	}
	if ls, err := r.n.Inbox.Labels.MemberLabels(ctx, r.sc2, m.ID); err != nil || len(ls) != 0 {
		t.Fatalf("after deleting the label the card shows %+v, %v", ls, err)
	}
	if _, err := r.n.Inbox.Labels.Label(ctx, vip.ID); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("deleted label: %v", err)
	}
}
