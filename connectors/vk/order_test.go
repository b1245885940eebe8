package vk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/testkit/vktest"
)

// newFixtureNodes is newFixture on nodes hub nodes sharing one database
// and Redis; each returned fixture talks to its own node.
func newFixtureNodes(t *testing.T, nodes int) []*fixture {
	t.Helper()
	ctx := context.Background()
	s, _ := hubtest.NewSharedStorage(t)
	f := &fixture{n: hubtest.StartOn(t, s), vk: vktest.New(t)}
	all := []*fixture{f}
	for range nodes - 1 {
		all = append(all, &fixture{n: hubtest.StartOn(t, s), vk: f.vk})
	}
	f.op = f.n.AddUser(t, "op1", access.Operator, f.n.Root.ID, "password-1")
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "ВКонтакте", f.n.Root.ID, inbox.Manual
	l.Operators = []inbox.LineOperator{{UserID: f.op.ID}}
	var err error
	if f.line, err = f.n.Inbox.Lines.Create(ctx, f.n.System, l); err != nil {
		t.Fatal(err)
	}
	f.ch, _, err = f.n.Inbox.Channels.Create(ctx, f.n.System, inbox.NewChannel{LineID: f.line.ID, Kind: inbox.KindVK, Name: "Сообщество",
		Settings: map[string]string{"mode": "callback", "confirmation": "a1b2c3d4", "api_url": f.vk.APIURL()},
		Secrets:  map[string]string{"access_token": vktest.DefaultToken, "secret": callbackSecret}})
	if err != nil {
		t.Fatal(err)
	}
	if f.opToken, _, err = f.n.Auth.CreateToken(ctx, f.n.System, f.op.ID, "test", 0); err != nil {
		t.Fatal(err)
	}
	for _, x := range all[1:] {
		x.line, x.ch, x.op, x.opToken = f.line, f.ch, f.op, f.opToken
	}
	return all
}

// 100 replies typed quickly to one VK member arrive in the order they were
// typed, while the fake answers after random delays and "too many
// requests" (error 6) now and then — on one node and on two. Error 6 waits
// without using up an attempt; one reply VK refuses for good is shown
// failed and the next one goes.
func TestRepliesToOnePeerArriveInOrder(t *testing.T) {
	for _, nodes := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d nodes", nodes), func(t *testing.T) {
			all := newFixtureNodes(t, nodes)
			f := all[0]
			const peer = 5301
			if code, _ := f.post(t, vktest.Callback("message_new", callbackSecret, f.vk.GroupID, vktest.MessageNew(peer, 1, "вопрос"))); code != 200 {
				t.Fatal("callback refused")
			}
			conv := f.conversations(t)[0].ID
			const n, refused = 100, 61
			f.vk.Mu.Lock()
			f.vk.Jitter, f.vk.ErrEvery = 30*time.Millisecond, map[int]int{6: 9}
			f.vk.Refuse = map[string]bool{fmt.Sprintf("ответ %03d", refused): true}
			f.vk.Mu.Unlock()
			ids := make([]string, n)
			for i := range n {
				ids[i] = all[i%len(all)].reply(t, conv, map[string]any{"text": fmt.Sprintf("ответ %03d", i)}).ID
			}
			waitFor(t, 3*time.Minute, "every reply done", func() bool {
				var left int
				_ = f.n.DB.QueryRow(`SELECT count(*) FROM inbox_messages WHERE conversation_id = $1 AND status = 'pending'`, conv).Scan(&left)
				return left == 0
			})
			ms, err := f.n.Inbox.Conversations.Messages(context.Background(), f.n.System, conv, 0, 200)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				if m.ID == ids[refused] && m.Status != inbox.DeliveryFailed {
					t.Fatalf("the refused reply is %q", m.Status)
				}
			}
			f.vk.Mu.Lock()
			order := append([]vktest.SendCall(nil), f.vk.Order...)
			f.vk.Mu.Unlock()
			var got, want []string
			for _, c := range order {
				if c.PeerID == peer {
					got = append(got, c.Text)
				}
			}
			for i := range n {
				if i != refused {
					want = append(want, fmt.Sprintf("ответ %03d", i))
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("the member got %d replies, out of order or repeated:\n%v", len(got), got)
			}
			var limited, firstTry int
			if err := f.n.DB.QueryRow(`SELECT COALESCE(SUM(rate_limited), 0), COUNT(*) FROM inbox_messages
				WHERE conversation_id = $1 AND status = 'sent' AND attempts = 1 + rate_limited`, conv).Scan(&limited, &firstTry); err != nil {
				t.Fatal(err)
			}
			if limited == 0 || firstTry != n-1 {
				t.Fatalf("%d replies sent on their first counted attempt (want %d), %d error-6 answers waited out", firstTry, n-1, limited)
			}
		})
	}
}
