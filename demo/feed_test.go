package demo_test

import (
	"context"
	"testing"

	"github.com/profhub/profhub/hub/hubtest"
)

// checkFeed: the education operator's feed has the deputy's pinned
// seminar, the secretary's poll and the chairman's important post, which
// two people have confirmed and which has comments.
func checkFeed(t *testing.T, n *hubtest.Node) {
	t.Helper()
	ctx := context.Background()
	op, err := n.Org.AuthByLogin(ctx, "operator2")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := n.Feed.Feed(ctx, op.Scope("test"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pg.Pinned) != 1 {
		t.Errorf("demo feed: %d pinned posts", len(pg.Pinned))
	}
	var important, polls int
	for _, it := range pg.Items {
		if it.Post == nil {
			continue
		}
		if it.Post.Important && it.Post.Comments == 2 {
			important++
			chair, _ := n.Org.AuthByLogin(ctx, "chairman")
			units, err := n.Feed.Confirmations(ctx, chair.Scope("test"), it.Post.ID)
			confirmed := 0
			for _, u := range units {
				confirmed += len(u.Confirmed)
			}
			if err != nil || confirmed != 2 {
				t.Errorf("demo important post: %d confirmed, %v", confirmed, err)
			}
		}
		if it.Post.Poll != nil {
			polls++
		}
	}
	if important != 1 || polls != 1 {
		t.Errorf("demo feed: %d important posts with comments, %d polls", important, polls)
	}
}
