package inbox_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/profhub/profhub/absence"
	"github.com/profhub/profhub/inbox"
)

// TestAbsentOperatorIsNotOffered: an operator online on a line whose
// absence is approved today is offered nothing; the others are, the
// supervisor sees the absence, and after the absence is cancelled the
// operator is offered again.
func TestAbsentOperatorIsNotOffered(t *testing.T) {
	ctx := context.Background()
	r := newRouteFixture(t, inbox.OfferAll, 5)
	r.presence(t, 0, inbox.Online)
	r.presence(t, 1, inbox.Online)
	today := time.Now().In(r.n.Config.Zone()).Format(time.DateOnly)
	a, err := r.n.Absences.Create(ctx, r.n.System, absence.Input{UserID: r.ops[0].ID, Kind: absence.Vacation, StartsOn: today, EndsOn: today})
	if err != nil || a.Status != absence.Approved {
		t.Fatalf("entered absence = %+v, %v", a, err)
	}
	conv := r.newConv(t, "absent-1")
	if got := r.offeredTo(t, conv); !slices.Equal(got, []int{1}) {
		t.Fatalf("offered to %v, want only the present operator [1]", got)
	}
	time.Sleep(300 * time.Millisecond) // an offer to the absent one would be written by now
	if got := r.offeredTo(t, conv); !slices.Equal(got, []int{1}) {
		t.Fatalf("offered to %v, want only the present operator [1]", got)
	}
	// The console shows the absence, not "online" (GET and POST alike).
	b := r.n.NewBrowser(t)
	if resp := b.Login(t, "route-a", "password-a"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login = %d", resp.StatusCode)
	}
	want := inbox.MyPresence{Status: inbox.Online, Effective: inbox.Absent, Absence: absence.Vacation, AbsentUntil: today}
	for _, call := range [][2]string{{"GET", ""}, {"POST", `{"status":"online"}`}} {
		code, body := b.Do(t, call[0], "/api/v1/inbox/presence", call[1])
		var got inbox.MyPresence
		if err := json.Unmarshal([]byte(body), &got); code != http.StatusOK || err != nil || got != want {
			t.Errorf("%s presence = %d %s, want %+v", call[0], code, body, want)
		}
	}
	ov, err := r.n.Inbox.Supervisor.Overview(ctx, r.n.System, nil)
	if err != nil {
		t.Fatal(err)
	}
	var seen bool
	for _, o := range ov[0].Operators {
		if o.UserID == r.ops[0].ID {
			seen = o.Absence == absence.Vacation && o.AbsentUntil == today && o.Presence == inbox.Absent
		}
	}
	if !seen {
		t.Errorf("the supervisor does not see the absence: %+v", ov[0].Operators)
	}
	if _, err := r.n.Absences.Cancel(ctx, r.n.System, a.ID); err != nil {
		t.Fatal(err)
	}
	if mine, err := r.n.Inbox.Presence.Mine(ctx, r.ops[0].Scope("test")); err != nil || mine != (inbox.MyPresence{Status: inbox.Online, Effective: inbox.Online}) {
		t.Errorf("after the absence, presence = %+v, %v", mine, err)
	}
	// An offer to all is written operator by operator: the first seen
	// may be the other's, so wait for operator 0's.
	conv2 := r.newConv(t, "absent-2")
	got := r.offeredTo(t, conv2)
	for deadline := time.Now().Add(10 * time.Second); !slices.Contains(got, 0) && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		got = r.offeredTo(t, conv2)
	}
	if !slices.Contains(got, 0) {
		t.Fatalf("after the absence, offered to %v; want operator 0 among them", got)
	}
}
