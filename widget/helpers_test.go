package widget_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/profhub/profhub/hub"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/widget"
)

const siteOrigin = "https://union.example"

// fixture is a hub with a line answered by one operator and a widget
// channel that allows siteOrigin.
type fixture struct {
	n       *hubtest.Node
	base    string // where the widget's endpoints are served
	line    inbox.Line
	ch      inbox.Channel
	op      org.User
	opScope access.Scope
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureOn(t, hubtest.Start(t))
}

func newFixtureOn(t *testing.T, n *hubtest.Node) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{n: n, base: n.Server.URL}
	f.op = n.AddUser(t, "op1", access.Operator, n.Root.ID, "password-1")
	f.opScope = access.Scope{UserID: f.op.ID, UserName: f.op.Login, Role: access.Operator, UnitID: n.Root.ID, UnitPath: n.Root.Path, From: "test"}
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode, l.AskRating, l.ReopenWindowH = "Горячая линия", n.Root.ID, inbox.Manual, true, 0
	l.Operators = []inbox.LineOperator{{UserID: f.op.ID, Supervisor: true}}
	var err error
	if f.line, err = n.Inbox.Lines.Create(ctx, n.System, l); err != nil {
		t.Fatal(err)
	}
	f.ch, _, err = n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: f.line.ID, Kind: inbox.KindWidget, Name: "Сайт",
		Settings: map[string]string{"allowed_origins": siteOrigin + ", https://www.union.example", "title": "Профсоюз"}})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// withLimits serves the widget's endpoints from a separate instance with
// the given limits (it takes over the widget kind's sender).
func (f *fixture) withLimits(t *testing.T, l widget.Limits) {
	t.Helper()
	n := f.n
	w := widget.New(widget.Deps{Inbox: hub.WidgetInbox(n.Inbox), DB: n.DB, KV: n.KV, Blobs: n.Blobs, Org: n.Org, Config: n.Config, Log: n.Log, Limits: l})
	n.Inbox.Dispatch.RegisterSender(inbox.KindWidget, w.Sender())
	n.Inbox.Channels.RegisterHook(inbox.KindWidget, widget.ValidateChannel)
	mux := http.NewServeMux()
	w.Routes(mux)
	w.Start()
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		srv.Close()
		w.Stop()
	})
	f.base = srv.URL
}

// req sends a request as a page of origin would.
func (f *fixture) req(t *testing.T, method, path, origin string, body any) (int, map[string]any, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	r, _ := http.NewRequest(method, f.base+path, rd)
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	r.Header.Set("Content-Type", "text/plain")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out, resp.Header
}

// session starts a visitor through the pre-chat form and returns the token.
func (f *fixture) session(t *testing.T) string {
	t.Helper()
	code, out, _ := f.req(t, "POST", "/widget/v1/session/"+f.ch.ID, siteOrigin,
		map[string]any{"name": "Анна", "contact": "anna@example.org", "consent": true})
	if code != http.StatusCreated {
		t.Fatalf("session: %d %v", code, out)
	}
	return out["token"].(string)
}

// frame is any server frame.
type frame struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	Messages       []struct {
		Seq       int64  `json:"seq"`
		Direction string `json:"direction"`
		Text      string `json:"text"`
		ClientID  string `json:"client_id"`
		Author    string `json:"author"`
		Avatar    string `json:"avatar"`
		Event     string `json:"event"`
		AskRating bool   `json:"ask_rating"`
		Files     []struct {
			URL string `json:"url"`
		} `json:"files"`
	} `json:"messages"`
	ClientID  string `json:"client_id"`
	Seq       int64  `json:"seq"`
	Duplicate bool   `json:"duplicate"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	Author    string `json:"author"`
}

type visitorSocket struct {
	t    *testing.T
	conn *websocket.Conn
	in   chan frame
	err  chan error
}

func (f *fixture) dial(t *testing.T, token, query, origin string) (*visitorSocket, *http.Response, error) {
	t.Helper()
	u := "ws" + strings.TrimPrefix(f.base, "http") + "/widget/v1/ws/" + f.ch.ID + "?token=" + token + query
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		return nil, resp, err
	}
	s := &visitorSocket{t: t, conn: conn, in: make(chan frame, 100), err: make(chan error, 1)}
	go func() {
		for {
			_, b, err := conn.Read(context.Background())
			if err != nil {
				s.err <- err
				close(s.in)
				return
			}
			var fr frame
			_ = json.Unmarshal(b, &fr)
			s.in <- fr
		}
	}()
	t.Cleanup(func() { conn.CloseNow() })
	return s, resp, nil
}

func (f *fixture) mustDial(t *testing.T, token, query string) *visitorSocket {
	t.Helper()
	s, _, err := f.dial(t, token, query, siteOrigin)
	if err != nil {
		t.Fatal(err)
	}
	if h := s.next(func(fr frame) bool { return true }); h.Type != "hello" {
		t.Fatalf("first frame %+v, want hello", h)
	}
	return s
}

func (s *visitorSocket) send(v any) {
	b, _ := json.Marshal(v)
	if err := s.conn.Write(context.Background(), websocket.MessageText, b); err != nil {
		s.t.Fatal(err)
	}
}

func (s *visitorSocket) message(clientID, text string) {
	s.send(map[string]any{"type": "message", "client_id": clientID, "text": text})
}

// next waits for a frame that match accepts, skipping others.
func (s *visitorSocket) next(match func(frame) bool) frame {
	s.t.Helper()
	// Generous: CI runs this under -race next to other packages' tests.
	timeout := time.After(20 * time.Second)
	for {
		select {
		case fr, ok := <-s.in:
			if !ok {
				s.t.Fatalf("socket closed: %v", <-s.err)
			}
			if match(fr) {
				return fr
			}
		case <-timeout:
			s.t.Fatal("timed out waiting for a frame")
		}
	}
}

// closed waits for the socket to be closed and returns the close status.
func (s *visitorSocket) closed() websocket.StatusCode {
	s.t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-s.in:
			if !ok {
				return websocket.CloseStatus(<-s.err)
			}
		case <-timeout:
			s.t.Fatal("socket not closed")
		}
	}
}

func isType(t string) func(frame) bool { return func(f frame) bool { return f.Type == t } }

// msgs collects message entries until n have arrived.
func (s *visitorSocket) msgs(n int) []frameMsg {
	s.t.Helper()
	var out []frameMsg
	for len(out) < n {
		fr := s.next(isType("messages"))
		out = append(out, fr.Messages...)
	}
	return out
}

type frameMsg = struct {
	Seq       int64  `json:"seq"`
	Direction string `json:"direction"`
	Text      string `json:"text"`
	ClientID  string `json:"client_id"`
	Author    string `json:"author"`
	Avatar    string `json:"avatar"`
	Event     string `json:"event"`
	AskRating bool   `json:"ask_rating"`
	Files     []struct {
		URL string `json:"url"`
	} `json:"files"`
}

// quiet checks that no message frame arrives for a while.
func (s *visitorSocket) quiet(d time.Duration) {
	s.t.Helper()
	timeout := time.After(d)
	for {
		select {
		case fr, ok := <-s.in:
			if ok && fr.Type == "messages" {
				s.t.Fatalf("unexpected messages: %+v", fr.Messages)
			}
		case <-timeout:
			return
		}
	}
}

func (f *fixture) reply(t *testing.T, convID, text string) {
	t.Helper()
	if _, err := f.n.Inbox.Dispatch.Reply(context.Background(), f.opScope, convID, inbox.ReplyInput{Text: text}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.n.DB.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// exchange sends a message and waits for both its ack and its echo, which
// may come in either order.
func (s *visitorSocket) exchange(clientID, text string) (frame, frameMsg) {
	s.t.Helper()
	s.message(clientID, text)
	var ack frame
	var echo *frameMsg
	for ack.Type == "" || echo == nil {
		fr := s.next(func(f frame) bool { return f.Type == "ack" || f.Type == "messages" || f.Type == "error" })
		switch fr.Type {
		case "error":
			s.t.Fatalf("error frame: %+v", fr)
		case "ack":
			ack = fr
		case "messages":
			for _, m := range fr.Messages {
				if m.ClientID == clientID {
					echo = &m
				}
			}
		}
	}
	return ack, *echo
}
