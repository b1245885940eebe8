package inbox_test

import (
	"sync"
	"testing"

	"github.com/profhub/profhub/inbox"
)

// An operator going online while the line's operators are mirrored into
// Redis (the sweep does so when it first lists a new line, just as a
// crowd of consoles comes online) was set back to the offline read
// before, and no later kick brought them an offer: in the routing bench
// 127 of 200 operators never got one.
func TestMirrorKeepsPresenceSetMeanwhile(t *testing.T) {
	r := newRouteFixture(t, inbox.Evenly, 1)
	var once sync.Once
	undo := inbox.SetMirrorReadHook(func() {
		once.Do(func() { r.presence(t, 0, inbox.Online) })
	})
	inbox.MirrorLine(r.n.Inbox.Routing, r.line.ID)
	undo()
	conv := r.newConv(t, "mirror-race")
	if got := r.offeredTo(t, conv); !same(got, 0) {
		t.Fatalf("offered to %v, want operator a", got)
	}
}
