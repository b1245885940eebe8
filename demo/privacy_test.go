package demo_test

import (
	"context"
	"testing"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/privacy"
)

// checkPrivacy: the register has the demo's consents, some to be asked
// again under the changed text, and every retention period is set.
func checkPrivacy(t *testing.T, n *hubtest.Node) {
	t.Helper()
	ctx := context.Background()
	list, err := n.Privacy.Consents(ctx, n.System, privacy.ConsentFilter{})
	if err != nil || len(list) < 8 {
		t.Fatalf("consent register: %v, %d entries", err, len(list))
	}
	again, err := n.Privacy.Consents(ctx, n.System, privacy.ConsentFilter{AskAgain: true})
	if err != nil || len(again) != 5 {
		t.Fatalf("consents to ask again: %v, %d", err, len(again))
	}
	ret, err := n.Privacy.Retentions(ctx, n.System)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ret {
		if r.Days < r.MinDays {
			t.Errorf("retention %s: %d days", r.Kind, r.Days)
		}
	}
}
