package telephony

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/connectors/telephony/pbxsim"
	"github.com/profhub/profhub/inbox"
)

// permute calls fn with every permutation of 0…n-1 (Heap's algorithm).
func permute(n int, fn func([]int)) {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	c := make([]int, n)
	fn(p)
	for i := 0; i < n; {
		if c[i] < i {
			if i%2 == 0 {
				p[0], p[i] = p[i], p[0]
			} else {
				p[c[i]], p[i] = p[i], p[c[i]]
			}
			fn(p)
			c[i]++
			i = 0
		} else {
			c[i] = 0
			i++
		}
	}
}

// A call that 101 answers and transfers to 102 is credited to 102 whatever
// order its notifications arrive in: every permutation of them, for each
// provider, each notification parsed as the hook parses it at the moment
// it arrives. Where the provider times its events the whole record is the
// same as in order; Zadarma times none, so its answer and end are
// estimates and only the rest must match.
func TestTransferEveryOrder(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	for _, provider := range []string{"generic", "mango", "zadarma"} {
		t.Run(provider, func(t *testing.T) {
			p := &pbxsim.PBX{Provider: provider, Key: "k", Salt: "s", Secret: "secret", URL: "https://pbx.example"}
			ch := inbox.Channel{ID: "ch", Settings: map[string]string{settingProvider: provider}, Secrets: p.Secrets()}
			a, err := adapterOf(ch)
			if err != nil {
				t.Fatal(err)
			}
			c := pbxsim.Call{ID: "tr", Number: "79161234567", Line: "74951112233", Extension: "101", TransferTo: "102", Answered: true,
				Start: t0, Wait: 12 * time.Second, Talk: 80 * time.Second}
			if provider != "mango" {
				c.Recording = "rec" // Mango's nine notifications would make 362,880 orders
			}
			ns := p.Notifications(c)
			// parsed[k][i] is notification k's events when it arrives i-th.
			parsed := make([][][]Event, len(ns))
			arrival := time.Now()
			for k, n := range ns {
				for i := range ns {
					req := httptest.NewRequest("POST", "/hooks/telephony/ch"+n.Path, strings.NewReader(string(n.Body)))
					req.Header = n.Header.Clone()
					evs, err := a.parse(req, n.Body, ch, n.Path, arrival.Add(time.Duration(i)*time.Second))
					if err != nil {
						t.Fatalf("notification %d: %v", k, err)
					}
					parsed[k] = append(parsed[k], evs)
				}
			}
			fold := func(order []int) Call {
				var evs []Event
				for i, k := range order {
					evs = append(evs, parsed[k][i]...)
				}
				return Fold(evs)
			}
			inOrder := make([]int, len(ns))
			for i := range inOrder {
				inOrder[i] = i
			}
			want := fold(inOrder)
			if want.Extension != "102" || want.Result != ResAnswered || want.TalkS != 80 || want.State != "ended" {
				t.Fatalf("in order: %+v", want)
			}
			orders := 0
			permute(len(ns), func(order []int) {
				orders++
				got := fold(order)
				if provider == "zadarma" {
					got.AnsweredAt, got.EndedAt, got.WaitS = want.AnsweredAt, want.EndedAt, want.WaitS
				}
				if got != want {
					t.Fatalf("order %v: %+v, want %+v", order, got, want)
				}
			})
			t.Logf("%d notifications, %d orders, all credited to %s", len(ns), orders, want.Extension)
		})
	}
}
