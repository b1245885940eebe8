package telephony_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/profhub/profhub/connectors/telephony/pbxsim"
)

// Through the hook and the store, a transferred call is credited to the
// operator who took it over, whatever order its notifications arrive in
// (in order, reversed, and shuffled), for each provider; a late earlier
// notification re-folds the record instead of overwriting it.
func TestTransferCreditedThroughHook(t *testing.T) {
	for _, p := range providers {
		t.Run(p, func(t *testing.T) {
			e := newEnv(t, p, nil)
			rnd := rand.New(rand.NewPCG(42, uint64(len(p))))
			const rounds = 6
			for r := 0; r < rounds; r++ {
				c := call(fmt.Sprintf("tr-%d", r), true)
				c.TransferTo = "102"
				ns := e.pbx.Notifications(c)
				switch r {
				case 0: // as sent
				case 1:
					slices.Reverse(ns)
				default:
					rnd.Shuffle(len(ns), func(i, j int) { ns[i], ns[j] = ns[j], ns[i] })
				}
				for i, n := range ns {
					if code, err := pbxsim.Post(e.hook, n); err != nil || code != 200 {
						t.Fatalf("round %d notification %d: %d %v", r, i, code, err)
					}
				}
			}
			calls := e.calls(t, "")
			if len(calls) != rounds {
				t.Fatalf("%d calls, want %d", len(calls), rounds)
			}
			for _, c := range calls {
				if c["extension"] != "102" || c["operator_id"] != e.op2 || c["result"] != "answered" || str(c["talk_s"]) != "95" {
					t.Errorf("call %v: extension %v operator %v (want 102, %s) result %v talk %v", c["id"], c["extension"], c["operator_id"],
						e.op2, c["result"], c["talk_s"])
				}
			}
		})
	}
}
