package widget_test

import (
	"testing"

	"github.com/profhub/profhub/hub/hubtest"
)

// TestVisitorAndOperatorOnDifferentNodes: the visitor's socket is on one
// node, the operator answers on another; the reply arrives through the
// event relay and SQL, and a visitor's second tab on the operator's node
// follows the conversation the first tab started.
func TestVisitorAndOperatorOnDifferentNodes(t *testing.T) {
	st, _ := hubtest.NewSharedStorage(t)
	a := hubtest.StartOn(t, st)
	b := hubtest.StartOn(t, st)
	f := newFixtureOn(t, a)
	token := f.session(t)

	onB := *f
	onB.base = b.Server.URL
	visitor := onB.mustDial(t, token, "")
	secondTab := f.mustDial(t, token, "")
	ack, _ := visitor.exchange("x1", "Вопрос с узла B")
	if m := secondTab.msgs(1); m[0].ClientID != "x1" {
		t.Fatalf("second tab: %+v", m)
	}

	f.reply(t, ack.ConversationID, "Ответ с узла A")
	if m := visitor.msgs(1); m[0].Text != "Ответ с узла A" || m[0].Author != f.op.FullName {
		t.Fatalf("reply on node B: %+v", m)
	}
}
