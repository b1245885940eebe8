package inbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// webhookSink is the receiving end of an API channel: it checks each
// delivery's signature and records it.
type webhookSink struct {
	*httptest.Server
	mu       sync.Mutex
	secret   string
	got      []inbox.APIWebhook
	badSig   int
	failNext int // answer 503 to this many deliveries first
	arrived  chan inbox.APIWebhook
}

func newSink(t *testing.T) *webhookSink {
	s := &webhookSink{arrived: make(chan inbox.APIWebhook, 1000)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		defer s.mu.Unlock()
		if !inbox.VerifySignature(s.secret, r.Header.Get(inbox.SignatureHeader), body, time.Now(), 5*time.Minute) {
			s.badSig++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if s.failNext > 0 {
			s.failNext--
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var m inbox.APIWebhook
		_ = json.Unmarshal(body, &m)
		s.got = append(s.got, m)
		s.arrived <- m
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(s.Close)
	return s
}

// fixture is a hub with a line of two operators and an API channel.
type fixture struct {
	n          *hubtest.Node
	line       inbox.Line
	channel    inbox.Channel
	chToken    string
	sink       *webhookSink
	op1, op2   org.User
	tok1, tok2 string
}

func newFixture(t *testing.T, mode inbox.RoutingMode) *fixture {
	t.Helper()
	return newFixtureOn(t, hubtest.Start(t), mode, nil)
}

func newFixtureOn(t *testing.T, n *hubtest.Node, mode inbox.RoutingMode, sink *webhookSink) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{n: n, sink: sink}
	f.op1 = n.AddUser(t, "op1", access.Operator, n.Root.ID, "password-1")
	f.op2 = n.AddUser(t, "op2", access.Operator, n.Root.ID, "password-2")
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Горячая линия", n.Root.ID, mode
	l.Operators = []inbox.LineOperator{{UserID: f.op1.ID}, {UserID: f.op2.ID}}
	var err error
	if f.line, err = n.Inbox.Lines.Create(ctx, n.System, l); err != nil {
		t.Fatal(err)
	}
	if f.sink == nil {
		f.sink = newSink(t)
	}
	f.channel, f.chToken, err = n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: f.line.ID, Kind: inbox.KindAPI,
		Name: "Сайт", Settings: map[string]string{"webhook_url": f.sink.URL}})
	if err != nil {
		t.Fatal(err)
	}
	if f.sink.secret, err = n.Inbox.Channels.WebhookSecret(ctx, n.System, f.channel.ID); err != nil {
		t.Fatal(err)
	}
	f.tok1 = f.token(t, f.op1)
	f.tok2 = f.token(t, f.op2)
	return f
}

func (f *fixture) token(t *testing.T, u org.User) string {
	secret, _, err := f.n.Auth.CreateToken(context.Background(), f.n.System, u.ID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// call sends an API request as the holder of token.
func call(t *testing.T, base, token, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func (f *fixture) post(t *testing.T, base, contact, msgID, text string) (int, inbox.IngestResult) {
	t.Helper()
	var in inbox.APIInbound
	in.Contact.ID, in.Contact.Name = contact, "Member "+contact
	in.Message.ID, in.Message.Text = msgID, text
	code, body := call(t, base, f.chToken, "POST", "/hooks/api/"+f.channel.ID+"/messages", in)
	var res inbox.IngestResult
	_ = json.Unmarshal(body, &res)
	return code, res
}

// socket is an operator's console connection.
type socket struct {
	conn   *websocket.Conn
	frames chan map[string]any
}

func dial(t *testing.T, base, token string, since int64) *socket {
	t.Helper()
	ctx := context.Background()
	url := strings.Replace(base, "http", "ws", 1) + fmt.Sprintf("/api/v1/inbox/ws?since=%d", since)
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
	if err != nil {
		t.Fatal(err)
	}
	conn.SetReadLimit(1 << 20)
	s := &socket{conn: conn, frames: make(chan map[string]any, 10000)}
	go func() {
		for {
			var f map[string]any
			if err := wsjson.Read(ctx, conn, &f); err != nil {
				close(s.frames)
				return
			}
			if evs, ok := f["events"].([]any); ok && f["type"] == "events" {
				for _, ev := range evs {
					s.frames <- map[string]any{"type": "event", "event": ev}
				}
				continue
			}
			s.frames <- f
		}
	}()
	t.Cleanup(func() { conn.Close(websocket.StatusNormalClosure, "") })
	return s
}

// waitEvent waits for an event of kind matching pred.
func (s *socket) waitEvent(t *testing.T, kind string, pred func(ev map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case f, ok := <-s.frames:
			if !ok {
				t.Fatalf("socket closed while waiting for %s", kind)
			}
			ev, _ := f["event"].(map[string]any)
			if f["type"] == "event" && ev["kind"] == kind && (pred == nil || pred(ev)) {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s event within 20s", kind)
		}
	}
}

func (f *fixture) online(t *testing.T, tokens ...string) {
	for _, tok := range tokens {
		if code, body := call(t, f.n.Server.URL, tok, "POST", "/api/v1/inbox/presence", map[string]string{"status": "online"}); code != 200 {
			t.Fatalf("presence: %d %s", code, body)
		}
	}
}

func TestRoundTripAPIChannelToOperatorAndBack(t *testing.T) {
	f := newFixture(t, inbox.Evenly)
	base := f.n.Server.URL
	ws1 := dial(t, base, f.tok1, 0)
	f.online(t, f.tok1, f.tok2)

	code, res := f.post(t, base, "member-1", "ext-1", "Здравствуйте! Вопрос по отпуску.")
	if code != http.StatusCreated || res.ConversationID == "" || res.Duplicate {
		t.Fatalf("inbound = %d %+v", code, res)
	}
	// Evenly starts with the first operator in queue order.
	offer := ws1.waitEvent(t, "offer", func(ev map[string]any) bool { return ev["conversation_id"] == res.ConversationID })
	if offer["data"].(map[string]any)["timeout_s"].(float64) != 60 {
		t.Errorf("offer lacks its timeout: %v", offer)
	}
	// The other operator cannot accept someone else's offer.
	if code, _ := call(t, base, f.tok2, "POST", "/api/v1/inbox/conversations/"+res.ConversationID+"/accept", nil); code != http.StatusConflict {
		t.Fatalf("op2 accepting op1's offer = %d", code)
	}
	if code, body := call(t, base, f.tok1, "POST", "/api/v1/inbox/conversations/"+res.ConversationID+"/accept", nil); code != 200 {
		t.Fatalf("accept = %d %s", code, body)
	}
	code, body := call(t, base, f.tok1, "POST", "/api/v1/inbox/conversations/"+res.ConversationID+"/messages",
		inbox.ReplyInput{Text: "Добрый день! Отпуск положен 28 дней.", ClientID: "c-1"})
	if code != http.StatusCreated {
		t.Fatalf("reply = %d %s", code, body)
	}
	var reply inbox.Message
	_ = json.Unmarshal(body, &reply)
	select {
	case got := <-f.sink.arrived:
		if got.ID != reply.ID || got.Text != "Добрый день! Отпуск положен 28 дней." || got.ChatID != "member-1" {
			t.Fatalf("webhook got %+v", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reply never reached the webhook")
	}
	ws1.waitEvent(t, "status", func(ev map[string]any) bool {
		m, _ := ev["message"].(map[string]any)
		return m["id"] == reply.ID && m["status"] == "sent"
	})
	// The same reply resubmitted (double click) is stored once.
	code, body = call(t, base, f.tok1, "POST", "/api/v1/inbox/conversations/"+res.ConversationID+"/messages",
		inbox.ReplyInput{Text: "Добрый день! Отпуск положен 28 дней.", ClientID: "c-1"})
	var again inbox.Message
	_ = json.Unmarshal(body, &again)
	if code != http.StatusCreated || again.ID != reply.ID {
		t.Fatalf("resubmitted reply = %d, id %s vs %s", code, again.ID, reply.ID)
	}
	// The member writes again: same conversation, delivered live.
	_, res2 := f.post(t, base, "member-1", "ext-2", "Спасибо!")
	if res2.ConversationID != res.ConversationID {
		t.Fatalf("follow-up opened a new conversation")
	}
	ws1.waitEvent(t, "message", func(ev map[string]any) bool {
		m, _ := ev["message"].(map[string]any)
		return m["text"] == "Спасибо!"
	})
	// History: inbound, system "accepted", reply, inbound.
	_, body = call(t, base, f.tok1, "GET", "/api/v1/inbox/conversations/"+res.ConversationID+"/messages", nil)
	var hist struct{ Messages []inbox.Message }
	_ = json.Unmarshal(body, &hist)
	var dirs []string
	for _, m := range hist.Messages {
		dirs = append(dirs, m.Direction)
	}
	if strings.Join(dirs, ",") != "in,system,out,in" {
		t.Fatalf("history = %v", dirs)
	}
	if f.sink.badSig != 0 {
		t.Fatalf("%d deliveries with a bad signature", f.sink.badSig)
	}
	// The routing log explains the decision to the assignee.
	_, body = call(t, base, f.tok1, "GET", "/api/v1/inbox/conversations/"+res.ConversationID+"/routing", nil)
	if !strings.Contains(string(body), `"decision":"offered"`) || !strings.Contains(string(body), `"decision":"accepted"`) {
		t.Fatalf("routing log: %s", body)
	}
}

func TestIngestIsIdempotent(t *testing.T) {
	f := newFixture(t, inbox.Manual)
	base := f.n.Server.URL
	code, first := f.post(t, base, "m", "dup-1", "раз")
	if code != http.StatusCreated {
		t.Fatalf("first = %d", code)
	}
	// Replays, sequential and concurrent, change nothing.
	var wg sync.WaitGroup
	results := make(chan inbox.IngestResult, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, r := f.post(t, base, "m", "dup-1", "раз")
			if code != http.StatusOK {
				t.Errorf("replay = %d", code)
			}
			results <- r
		}()
	}
	wg.Wait()
	close(results)
	for r := range results {
		if !r.Duplicate || r.MessageID != first.MessageID {
			t.Fatalf("replay result %+v, want duplicate of %s", r, first.MessageID)
		}
	}
	// Concurrent first deliveries of a new message: one row.
	wg = sync.WaitGroup{}
	for range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); f.post(t, base, "m2", "dup-2", "два") }()
	}
	wg.Wait()
	var n int
	if err := f.n.DB.QueryRow(`SELECT COUNT(*) FROM inbox_messages WHERE external_id IN ('dup-1', 'dup-2')`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d rows for two messages (%v)", n, err)
	}
	var convs int
	_ = f.n.DB.QueryRow(`SELECT COUNT(*) FROM inbox_conversations`).Scan(&convs)
	if convs != 2 {
		t.Fatalf("%d conversations for two contacts", convs)
	}
}

func TestBadInboundIsRefused(t *testing.T) {
	f := newFixture(t, inbox.Manual)
	base := f.n.Server.URL
	long := strings.Repeat("я", inbox.MaxTextBytes)
	tests := []struct {
		name  string
		token string
		path  string
		body  string
		want  int
	}{
		{"wrong token", "phc_wrong", "/hooks/api/" + f.channel.ID + "/messages", `{"contact":{"id":"a"},"message":{"id":"1","text":"x"}}`, 401},
		{"no token", "", "/hooks/api/" + f.channel.ID + "/messages", `{"contact":{"id":"a"},"message":{"id":"1","text":"x"}}`, 401},
		{"unknown channel", f.chToken, "/hooks/api/nope/messages", `{"contact":{"id":"a"},"message":{"id":"1","text":"x"}}`, 401},
		{"no message id", f.chToken, "/hooks/api/" + f.channel.ID + "/messages", `{"contact":{"id":"a"},"message":{"text":"x"}}`, 422},
		{"no contact", f.chToken, "/hooks/api/" + f.channel.ID + "/messages", `{"message":{"id":"1","text":"x"}}`, 422},
		{"empty", f.chToken, "/hooks/api/" + f.channel.ID + "/messages", `{"contact":{"id":"a"},"message":{"id":"1"}}`, 422},
		{"too long", f.chToken, "/hooks/api/" + f.channel.ID + "/messages", `{"contact":{"id":"a"},"message":{"id":"1","text":"` + long + `"}}`, 422},
		{"malformed", f.chToken, "/hooks/api/" + f.channel.ID + "/messages", `{"contact":`, 422},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest("POST", base+tc.path, strings.NewReader(tc.body))
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}
	if err := f.n.Inbox.Channels.SetDisabled(context.Background(), f.n.System, f.channel.ID, true); err != nil {
		t.Fatal(err)
	}
	if code, _ := f.post(t, base, "a", "1", "x"); code != http.StatusForbidden {
		t.Errorf("disabled channel = %d", code)
	}
	var n int
	_ = f.n.DB.QueryRow(`SELECT COUNT(*) FROM inbox_messages`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d messages stored from refused requests", n)
	}
}

// An API channel without a webhook keeps replies for the other system to
// collect, and marks them delivered when collected.
func TestAPIChannelWithoutWebhookIsPulled(t *testing.T) {
	f := newFixture(t, inbox.Manual)
	ctx := context.Background()
	base := f.n.Server.URL
	ch, token, err := f.n.Inbox.Channels.Create(ctx, f.n.System, inbox.NewChannel{LineID: f.line.ID, Kind: inbox.KindAPI, Name: "1С"})
	if err != nil {
		t.Fatal(err)
	}
	var in inbox.APIInbound
	in.Contact.ID, in.Message.ID, in.Message.Text = "emp-1", "1", "Когда зарплата?"
	_, body := call(t, base, token, "POST", "/hooks/api/"+ch.ID+"/messages", in)
	var res inbox.IngestResult
	_ = json.Unmarshal(body, &res)
	call(t, base, f.tok1, "POST", "/api/v1/inbox/conversations/"+res.ConversationID+"/take", nil)
	_, body = call(t, base, f.tok1, "POST", "/api/v1/inbox/conversations/"+res.ConversationID+"/messages", inbox.ReplyInput{Text: "10-го числа"})
	var reply inbox.Message
	_ = json.Unmarshal(body, &reply)

	var pulled struct{ Replies []inbox.APIReply }
	eventually(t, "reply ready to pull", func() bool {
		_, b := call(t, base, token, "GET", "/hooks/api/"+ch.ID+"/replies", nil)
		_ = json.Unmarshal(b, &pulled)
		return len(pulled.Replies) == 1
	})
	if r := pulled.Replies[0]; r.ID != reply.ID || r.Text != "10-го числа" || r.ChatID != "emp-1" {
		t.Fatalf("pulled %+v", r)
	}
	_, b := call(t, base, token, "GET", "/hooks/api/"+ch.ID+"/replies?after="+reply.ID, nil)
	if !strings.Contains(string(b), `"replies":[]`) {
		t.Fatalf("pull after the cursor: %s", b)
	}
	var status string
	_ = f.n.DB.QueryRow(`SELECT status FROM inbox_messages WHERE id = $1`, reply.ID).Scan(&status)
	if status != inbox.DeliveryDelivered {
		t.Fatalf("pulled reply status %q", status)
	}
	if code, _ := call(t, base, f.chToken, "GET", "/hooks/api/"+ch.ID+"/replies", nil); code != http.StatusUnauthorized {
		t.Fatalf("another channel's token = %d", code)
	}
}
