package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
)

// checkCalendar: the secretary's next five weeks hold the plenum, the
// weekly training, the meeting and the reception, and a leader's birthday
// falls in them.
func checkCalendar(t *testing.T, n *hubtest.Node) {
	t.Helper()
	ctx := context.Background()
	r, err := n.Org.AuthByLogin(ctx, "secretary")
	if err != nil {
		t.Fatal(err)
	}
	c := n.Calendar.CallerOf(r.User, "test")
	from := time.Now().In(c.Zone).Truncate(24 * time.Hour)
	occ, err := n.Calendar.Occurrences(ctx, c, from, from.AddDate(0, 0, 35), nil)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, o := range occ {
		kinds[o.Kind]++
	}
	if kinds["plenum"] != 1 || kinds["training"] < 4 || kinds["meeting"] != 1 || kinds["reception"] < 1 {
		t.Errorf("the demo's calendar: %v", kinds)
	}
	bd, err := n.Calendar.Birthdays(ctx, from, from.AddDate(0, 0, 35))
	if err != nil || len(bd) < 1 {
		t.Errorf("birthdays: %v %v", err, bd)
	}
}
