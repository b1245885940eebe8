package telegram_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/profhub/profhub/connectors/telegram"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/testkit/tgtest"
)

// newEnvNodes is newEnv on nodes hub nodes sharing one database and Redis;
// replies are typed on them in turn.
func newEnvNodes(t *testing.T, nodes int) (*env, []*env) {
	t.Helper()
	tg := tgtest.New(t)
	s, _ := hubtest.NewSharedStorage(t)
	var all []*env
	for i := range nodes {
		n := hubtest.StartOn(t, s)
		n.Config.BaseURL = n.Server.URL
		all = append(all, &env{n: n, tg: tg})
		_ = i
	}
	e := all[0]
	op := e.n.AddUser(t, "op1", access.Operator, e.n.Root.ID, "password-1")
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Телеграм", e.n.Root.ID, inbox.Manual
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	line, err := e.n.Inbox.Lines.Create(context.Background(), e.n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := e.n.Auth.CreateToken(context.Background(), e.n.System, op.ID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range all {
		x.line, x.opTok = line, tok
	}
	return e, all
}

// 100 replies typed quickly into one chat reach the member in the order
// they were typed, while the fake Bot API answers after random delays and
// with 429s (retry_after 1 s) — on one node and on two, each node taking
// its share of the sends. One reply Telegram refuses for good is shown
// failed and the next one goes.
func TestRepliesToOneChatArriveInOrder(t *testing.T) {
	for _, nodes := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d nodes", nodes), func(t *testing.T) {
			t.Cleanup(telegram.SetChatGap(50 * time.Millisecond)) // order, not pace; runs after the hubs stop
			e, all := newEnvNodes(t, nodes)
			ch := e.channel(t, "webhook")
			const chat = 778100
			if code := e.hook(t, ch, e.tg.WebhookSecret, e.tg.Update(tgtest.TextMessage(chat, 1, "вопрос"))); code != http.StatusOK {
				t.Fatalf("webhook = %d", code)
			}
			conv := e.inbound(t, ch)[0].ConversationID
			const n, refused = 100, 37
			e.tg.Set(func(f *tgtest.Server) {
				f.Jitter, f.Every429, f.RetryAfter = 40*time.Millisecond, 17, 1
				f.Refuse[fmt.Sprintf("ответ %03d", refused)] = true
			})
			ids := make([]string, n)
			for i := range n {
				ids[i] = all[i%len(all)].reply(t, conv, fmt.Sprintf("ответ %03d", i)).ID
			}
			m := e.waitStatus(t, conv, ids[refused], inbox.DeliveryFailed, 2*time.Minute)
			if m.StatusReason == "" {
				t.Fatal("the refused reply shows no reason")
			}
			e.waitStatus(t, conv, ids[n-1], inbox.DeliverySent, 3*time.Minute)
			var got []string
			for _, c := range e.tg.SentCalls() {
				if c.ChatID == chat {
					got = append(got, c.Text)
				}
			}
			var want []string
			for i := range n {
				if i != refused {
					want = append(want, fmt.Sprintf("ответ %03d", i))
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("the member got %d replies, out of order or repeated:\n%v", len(got), got)
			}
			var limited, sent int
			if err := e.n.DB.QueryRow(`SELECT COALESCE(SUM(rate_limited), 0), COUNT(*) FROM inbox_messages
				WHERE conversation_id = $1 AND status = 'sent' AND attempts = 1 + rate_limited`, conv).Scan(&limited, &sent); err != nil {
				t.Fatal(err)
			}
			e.tg.Mu.Lock()
			violations, calls := e.tg.Violations, e.tg.SendCount
			e.tg.Mu.Unlock()
			if len(violations) > 0 {
				t.Errorf("sent into 429 pauses: %v", violations)
			}
			if limited == 0 || sent != n-1 {
				t.Fatalf("%d replies sent on their first counted attempt (want %d), %d 429s waited out", sent, n-1, limited)
			}
			t.Logf("%d sendMessage calls, %d answered 429 and waited out without using an attempt", calls, limited)
		})
	}
}

// Replies to one chat leave at Telegram's pace, a message a second, and
// no slower. The figure is logged.
func TestOneChatPace(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(t, "webhook")
	e.hook(t, ch, e.tg.WebhookSecret, e.tg.Update(tgtest.TextMessage(778200, 1, "вопрос")))
	conv := e.inbound(t, ch)[0].ConversationID
	const n = 12
	var last inbox.Message
	for i := range n {
		last = e.reply(t, conv, fmt.Sprintf("ответ %d", i))
	}
	e.waitStatus(t, conv, last.ID, inbox.DeliverySent, time.Minute)
	sent := e.tg.SentCalls()
	if len(sent) != n {
		t.Fatalf("%d messages sent, want %d", len(sent), n)
	}
	for i := 1; i < n; i++ {
		if sent[i].Text != fmt.Sprintf("ответ %d", i) {
			t.Fatalf("message %d is %q", i, sent[i].Text)
		}
		// Arrival times carry loopback jitter on top of exact spacing.
		if gap := sent[i].At.Sub(sent[i-1].At); gap < 950*time.Millisecond {
			t.Errorf("messages %d and %d arrived %s apart: more than one a second", i-1, i, gap)
		}
	}
	span := sent[n-1].At.Sub(sent[0].At)
	rate := float64(n-1) / span.Seconds()
	if rate < 0.9 {
		t.Errorf("%.2f replies a second to one chat; Telegram allows 1", rate)
	}
	t.Logf("PACE: %d replies to one chat in %s: %.3f replies/s", n, span.Round(time.Millisecond), rate)
}
