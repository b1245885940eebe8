package automation_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/profhub/profhub/automation"
	"github.com/profhub/profhub/hub/hubtest"
)

// Two nodes follow one event log: each event's rules run once, whichever
// node claims it (both nodes' workers run, and the test runs both passes
// at once besides).
func TestTwoNodesRunEachEventOnce(t *testing.T) {
	storage, _ := hubtest.NewSharedStorage(t)
	r := newRigOn(t, hubtest.StartOn(t, storage))
	other := hubtest.StartOn(t, storage)
	r.rule(t, automation.Rule{Name: "Отметить", On: automation.OnMessage, Actions: []automation.Action{{Kind: automation.DoPriority, Value: "1"}}})
	var ids []string
	for i := range 12 {
		ids = append(ids, r.write(t, string(rune('a'+i)), "вопрос"))
	}
	var wg sync.WaitGroup
	for _, n := range []*hubtest.Node{r.n, other, r.n, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := n.Automation.RunEvents(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if n := strings.Count(r.history(t, id), `"rule":"Отметить"`); n != 1 {
			t.Fatalf("conversation %s: the rule ran %d times", id, n)
		}
	}
}
