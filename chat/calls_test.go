package chat_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/profhub/profhub/chat"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
)

// callSocket is a chat socket that sends call frames and reads them.
type callSocket struct {
	t    *testing.T
	conn *websocket.Conn
	in   chan chat.CallMsg
}

func dialCalls(t *testing.T, b *hubtest.Browser) *callSocket {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	u := strings.Replace(b.Base, "http", "ws", 1) + "/api/v1/chat/ws"
	conn, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: b.Client})
	if err != nil {
		t.Fatalf("chat socket: %v", err)
	}
	conn.SetReadLimit(1 << 20)
	s := &callSocket{t: t, conn: conn, in: make(chan chat.CallMsg, 100)}
	hello := make(chan struct{})
	go func() {
		defer conn.CloseNow()
		for {
			var f struct {
				Type string
				Call *chat.CallMsg
			}
			if err := wsjson.Read(ctx, conn, &f); err != nil {
				return
			}
			if f.Type == "hello" {
				close(hello) // attached: call frames reach it from now on
			}
			if f.Type == "call" && f.Call != nil {
				s.in <- *f.Call
			}
		}
	}()
	select {
	case <-hello:
	case <-time.After(30 * time.Second):
		t.Fatal("no hello on the chat socket")
	}
	return s
}

func (s *callSocket) send(m chat.CallMsg) {
	s.t.Helper()
	if err := wsjson.Write(context.Background(), s.conn, map[string]any{"type": "call", "call": m}); err != nil {
		s.t.Fatal(err)
	}
}

// next is the next call frame with op.
func (s *callSocket) next(op string) chat.CallMsg {
	s.t.Helper()
	for {
		select {
		case m := <-s.in:
			if m.Op == op {
				return m
			}
		case <-time.After(30 * time.Second):
			s.t.Fatalf("no %s frame", op)
		}
	}
}

// quiet fails when a frame other than skip comes within a moment: what
// must not be relayed is not.
func (s *callSocket) quiet(what string) {
	s.t.Helper()
	select {
	case m := <-s.in:
		s.t.Fatalf("%s: got %+v", what, m)
	case <-time.After(1500 * time.Millisecond):
	}
}

// TestCallSignallingRelaysOnlyWithinTheCall: Иванова calls Петров in
// their direct chat; he takes it; offer and answer go to the named
// participant. Сидоров (in the federation, not in the chat) and
// Борисова (another unit) cannot accept, relay into or hang up the call,
// nor start one in that chat; nothing of theirs reaches the participants.
// Иванова cannot relay to someone outside the call either.
func TestCallSignallingRelaysOnlyWithinTheCall(t *testing.T) {
	s := setup(t)
	var d struct{ Chat chatJSON }
	do(t, s.ivW, "POST", "/api/v1/chat/chats", `{"kind":"direct","members":["`+s.pe.ID+`"]}`, http.StatusCreated, &d)
	iv, pe, si, bo := dialCalls(t, s.ivW), dialCalls(t, s.peW), dialCalls(t, s.siW), dialCalls(t, s.boW)

	iv.send(chat.CallMsg{Op: chat.OpInvite, ChatID: d.Chat.ID, Media: "video"})
	ringing := iv.next(chat.OpRinging)
	inv := pe.next(chat.OpInvite)
	if inv.CallID != ringing.CallID || inv.From != s.iv.ID || inv.Name != "Иванова Мария Петровна" || inv.Media != "video" {
		t.Fatalf("invite %+v, ringing %+v", inv, ringing)
	}
	pe.send(chat.CallMsg{Op: chat.OpAccept, CallID: inv.CallID})
	if acc := pe.next(chat.OpAccepted); len(acc.Peers) != 1 || acc.Peers[0].ID != s.iv.ID {
		t.Fatalf("accepted %+v", acc)
	}
	if j := iv.next(chat.OpJoined); j.From != s.pe.ID {
		t.Fatalf("joined %+v", j)
	}
	iv.send(chat.CallMsg{Op: chat.OpSignal, CallID: inv.CallID, To: s.pe.ID, Data: json.RawMessage(`{"sdp":{"type":"offer","sdp":"v=0"}}`)})
	if sig := pe.next(chat.OpSignal); sig.From != s.iv.ID || !strings.Contains(string(sig.Data), `"offer"`) {
		t.Fatalf("offer relayed as %+v", sig)
	}
	// The hub, not the page, says who a frame is from.
	pe.send(chat.CallMsg{Op: chat.OpSignal, CallID: inv.CallID, To: s.iv.ID, From: s.si.ID, Data: json.RawMessage(`{"sdp":{"type":"answer"}}`)})
	if sig := iv.next(chat.OpSignal); sig.From != s.pe.ID {
		t.Fatalf("answer relayed as from %q", sig.From)
	}

	// Forged frames: refused to their sender, relayed to nobody.
	for _, f := range []struct {
		who  *callSocket
		m    chat.CallMsg
		name string
	}{
		{si, chat.CallMsg{Op: chat.OpSignal, CallID: inv.CallID, To: s.pe.ID, Data: json.RawMessage(`{"sdp":{"type":"offer"}}`)}, "a colleague's relay into the call"},
		{si, chat.CallMsg{Op: chat.OpAccept, CallID: inv.CallID}, "a colleague taking the call"},
		{bo, chat.CallMsg{Op: chat.OpHangup, CallID: inv.CallID}, "another unit hanging up the call"},
		{bo, chat.CallMsg{Op: chat.OpInvite, ChatID: d.Chat.ID}, "another unit calling in the chat"},
		{si, chat.CallMsg{Op: chat.OpInvite, ChatID: d.Chat.ID}, "a colleague calling in the chat"},
		{iv, chat.CallMsg{Op: chat.OpSignal, CallID: inv.CallID, To: s.si.ID, Data: json.RawMessage(`{}`)}, "a relay to someone outside the call"},
		{pe, chat.CallMsg{Op: chat.OpAccept, CallID: inv.CallID}, "taking the call twice"},
		{si, chat.CallMsg{Op: chat.OpSignal, CallID: "00000000-0000-0000-0000-000000000000", To: s.pe.ID}, "an unknown call"},
	} {
		f.who.send(f.m)
		if e := f.who.next(chat.OpError); e.Error != "call_refused" {
			t.Fatalf("%s: %+v", f.name, e)
		}
	}
	iv.quiet("Иванова after the forged frames")
	pe.quiet("Петров after the forged frames")

	// Hanging up ends a call of two for both.
	pe.send(chat.CallMsg{Op: chat.OpHangup, CallID: inv.CallID})
	if l := iv.next(chat.OpLeft); l.From != s.pe.ID {
		t.Fatalf("left %+v", l)
	}
	iv.next(chat.OpEnded)
	if n := s.lastNum(t, d.Chat.ID); n != 0 {
		t.Fatalf("a taken call left %d messages", n)
	}
}

// TestCallDeclinedByAllIsMissed: a group call declined by everyone ends
// and leaves "Пропущенный звонок" in the chat from the caller; a chat of
// more than four cannot be called.
func TestCallDeclinedByAllIsMissed(t *testing.T) {
	s := setup(t)
	g := s.group(t, "Звонки", s.pe.ID, s.si.ID)
	iv, pe, si := dialCalls(t, s.ivW), dialCalls(t, s.peW), dialCalls(t, s.siW)
	iv.send(chat.CallMsg{Op: chat.OpInvite, ChatID: g.ID, Media: "audio"})
	id := iv.next(chat.OpRinging).CallID
	pe.next(chat.OpInvite)
	si.next(chat.OpInvite)
	pe.send(chat.CallMsg{Op: chat.OpDecline, CallID: id})
	if dd := iv.next(chat.OpDeclined); dd.From != s.pe.ID || dd.Name != "Петров Сергей Иванович" {
		t.Fatalf("declined %+v", dd)
	}
	si.send(chat.CallMsg{Op: chat.OpDecline, CallID: id})
	iv.next(chat.OpEnded)
	var out struct{ Messages []messageJSON }
	do(t, s.peW, "GET", "/api/v1/chat/chats/"+g.ID+"/messages", "", http.StatusOK, &out)
	if len(out.Messages) != 1 || out.Messages[0].Text != chat.MissedCallText {
		t.Fatalf("messages after a missed call: %+v", out.Messages)
	}

	// Five members: too many for a mesh.
	x1 := s.n.AddUser(t, "chat.x1", access.Operator, s.iv.UnitID, "password-chat")
	x2 := s.n.AddUser(t, "chat.x2", access.Operator, s.iv.UnitID, "password-chat")
	big := s.group(t, "Большой", s.pe.ID, s.si.ID, x1.ID, x2.ID)
	iv.send(chat.CallMsg{Op: chat.OpInvite, ChatID: big.ID})
	if e := iv.next(chat.OpError); e.Error != "call_too_big" {
		t.Fatalf("a call of five: %+v", e)
	}
}

// TestTURNCredentialFollowsTheRESTConvention: username "expiry:userID",
// password base64(HMAC-SHA1(secret, username)), as coturn's
// use-auth-secret checks; the endpoint answers without a secret too.
func TestTURNCredentialFollowsTheRESTConvention(t *testing.T) {
	exp := time.Unix(1796400000, 0)
	u, c := chat.TURNCredential("coturn-secret", "user-1", exp)
	if u != "1796400000:user-1" {
		t.Fatalf("username %q", u)
	}
	mac := hmac.New(sha1.New, []byte("coturn-secret"))
	mac.Write([]byte(u))
	if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); c != want {
		t.Fatalf("credential %q, want %q", c, want)
	}
	svc := chat.New(chat.Deps{ICE: chat.ICE{STUN: []string{"stun:turn.example.org:3478"}, TURN: []string{"turn:turn.example.org:3478"}, Secret: "coturn-secret", TTL: time.Hour}})
	now := time.Unix(1796396400, 0)
	got := svc.ICEServers("user-1", now)
	if len(got) != 2 || got[0].URLs[0] != "stun:turn.example.org:3478" || got[1].Username != u || got[1].Credential != c {
		t.Fatalf("ice servers %+v", got)
	}
	if got := chat.New(chat.Deps{ICE: chat.ICE{TURN: []string{"turn:x"}}}).ICEServers("u", now); len(got) != 0 {
		t.Fatalf("TURN without a secret handed out: %+v", got)
	}
	s := setup(t)
	do(t, s.ivW, "GET", "/api/v1/chat/ice", "", http.StatusOK, nil)
}
