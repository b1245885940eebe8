package telephony_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/profhub/profhub/connectors/telephony/pbxsim"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
)

var providers = []string{"generic", "mango", "zadarma"}

// Numbers of the tests: the member's, and a stranger's.
const (
	memberPhone   = "+79161234567"
	strangerPhone = "+79035550011"
	lineNumber    = "74951112233"
)

// env is a hub with a line, an operator on extension 101, a member with a
// known phone, and a fake PBX of one provider.
type env struct {
	n      *hubtest.Node
	pbx    *pbxsim.PBX
	line   inbox.Line
	ch     inbox.Channel
	op     string // operator user id
	op2    string // the operator on extension 102, to whom calls are transferred
	opTok  string
	member crm.Member
	hook   string
}

func newEnv(t *testing.T, provider string, settings map[string]string) *env {
	t.Helper()
	pbx, err := pbxsim.Start(provider)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pbx.Close)
	n := hubtest.Start(t)
	ctx := context.Background()
	e := &env{n: n, pbx: pbx}
	op := n.AddUser(t, "op1", access.Operator, n.Root.ID, "password-1")
	e.op = op.ID
	e.op2 = n.AddUser(t, "op2", access.Operator, n.Root.ID, "password-1").ID
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Телефон", n.Root.ID, inbox.Manual
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	if e.line, err = n.Inbox.Lines.Create(ctx, n.System, l); err != nil {
		t.Fatal(err)
	}
	if e.opTok, _, err = n.Auth.CreateToken(ctx, n.System, op.ID, "test", 0); err != nil {
		t.Fatal(err)
	}
	s := pbx.Settings()
	s["extensions"] = "101=op1, 102=op2"
	for k, v := range settings {
		s[k] = v
	}
	e.ch, _, err = n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: e.line.ID, Kind: inbox.KindTelephony, Name: "АТС",
		Settings: s, Secrets: pbx.Secrets()})
	if err != nil {
		t.Fatal(err)
	}
	e.hook = n.Server.URL + "/hooks/telephony/" + e.ch.ID
	e.member, err = n.CRM.Members.CreateMember(ctx, n.System, crm.MemberInput{UnitID: n.Root.ID, Surname: "Смирнова", GivenName: "Ольга",
		Patronymic: "Ивановна", Phones: []string{"8 (916) 123-45-67"}, Status: crm.StatusMember}, false)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// call is a call of the member to extension 101.
func call(id string, answered bool) pbxsim.Call {
	c := pbxsim.Call{ID: id, Number: strings.TrimPrefix(memberPhone, "+"), Line: lineNumber, Extension: "101", Answered: answered,
		Start: time.Now().Add(-3 * time.Minute).Truncate(time.Second), Wait: 12 * time.Second}
	if answered {
		c.Talk = 95 * time.Second
	}
	return c
}

func (e *env) play(t *testing.T, c pbxsim.Call) {
	t.Helper()
	if err := e.pbx.Play(e.hook, c); err != nil {
		t.Fatal(err)
	}
}

func (e *env) api(t *testing.T, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, e.n.Server.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+e.opTok)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// calls lists the channel's calls through the API.
func (e *env) calls(t *testing.T, query string) []map[string]any {
	t.Helper()
	code, b := e.api(t, "GET", "/api/v1/telephony/calls?"+query, nil)
	if code != 200 {
		t.Fatalf("calls: %d %s", code, b)
	}
	var out struct {
		Calls []map[string]any `json:"calls"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out.Calls
}

func (e *env) oneCall(t *testing.T) map[string]any {
	t.Helper()
	cs := e.calls(t, "")
	if len(cs) != 1 {
		t.Fatalf("want 1 call, have %d: %v", len(cs), cs)
	}
	return cs[0]
}

// count counts rows of a table (for "nothing stored").
func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.n.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// socket is an operator console's WebSocket.
type socket struct {
	frames chan map[string]any
}

func (e *env) dial(t *testing.T) *socket {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	url := strings.Replace(e.n.Server.URL, "http", "ws", 1) + "/api/v1/inbox/ws?since=0"
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + e.opTok}}})
	if err != nil {
		t.Fatal(err)
	}
	conn.SetReadLimit(1 << 20)
	s := &socket{frames: make(chan map[string]any, 1000)}
	go func() {
		for {
			var f map[string]any
			if err := wsjson.Read(ctx, conn, &f); err != nil {
				close(s.frames)
				return
			}
			if evs, ok := f["events"].([]any); ok {
				for _, ev := range evs {
					if m, ok := ev.(map[string]any); ok {
						s.frames <- m
					}
				}
				continue
			}
			if ev, ok := f["event"].(map[string]any); ok {
				s.frames <- ev
				continue
			}
			s.frames <- f
		}
	}()
	t.Cleanup(func() { cancel(); conn.Close(websocket.StatusNormalClosure, "") })
	// The server says hello once it has attached the console: a live
	// notification sent before that (a screen pop) would not reach it.
	select {
	case f := <-s.frames:
		if f["type"] != "hello" {
			t.Fatalf("first frame %v, want hello", f)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no hello from the console socket")
	}
	return s
}

func (s *socket) wait(t *testing.T, kind string) map[string]any {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case f, ok := <-s.frames:
			if !ok {
				t.Fatalf("socket closed while waiting for %s", kind)
			}
			if f["kind"] == kind {
				return f
			}
		case <-deadline:
			t.Fatalf("no %s event within 10s", kind)
		}
	}
}

func str(v any) string { return fmt.Sprint(v) }

// waitRecording runs the recording worker's pass (the hub's own worker may
// be running it too) until the only call's recording reaches state.
func (e *env) waitRecording(t *testing.T, state string) map[string]any {
	t.Helper()
	var r map[string]any
	waitFor(t, "recording "+state, func() bool {
		if _, err := e.n.Telephony.FetchRecordings(context.Background(), time.Now()); err != nil {
			t.Fatal(err)
		}
		r = e.oneCall(t)
		return r["recording"] == state
	})
	return r
}

func newChannel(e *env, settings map[string]string) inbox.NewChannel {
	return inbox.NewChannel{LineID: e.line.ID, Kind: inbox.KindTelephony, Name: "x", Settings: settings}
}
