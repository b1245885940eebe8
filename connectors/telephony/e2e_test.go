package telephony_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/connectors/telephony/pbxsim"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
)

// An answered call with a recording becomes one call record with the
// operator and the member; the recording is fetched into the blob store,
// plays with range requests, and the call is on the member's timeline.
func TestAnsweredCallWithRecording(t *testing.T) {
	for _, p := range providers {
		t.Run(p, func(t *testing.T) {
			e := newEnv(t, p, nil)
			audio := pbxsim.ToneWAV(2)
			e.pbx.AddRecording("rec-1", audio)
			c := call("call-1", true)
			c.Recording = "rec-1"
			e.play(t, c)

			r := e.oneCall(t)
			want := map[string]any{"direction": "in", "state": "ended", "result": "answered", "number": memberPhone,
				"extension": "101", "operator_id": e.op, "member_id": e.member.ID, "talk_s": 95.0}
			for k, v := range want {
				if r[k] != v {
					t.Errorf("%s = %v, want %v (call %v)", k, r[k], v, r)
				}
			}
			if r["member_name"] != "Смирнова Ольга Ивановна" || r["operator_name"] == "" {
				t.Errorf("names: %v / %v", r["member_name"], r["operator_name"])
			}
			if p != "zadarma" && r["wait_s"] != 12.0 {
				t.Errorf("wait_s = %v, want 12", r["wait_s"])
			}
			r = e.waitRecording(t, "ready")
			req, _ := http.NewRequest("GET", e.n.Server.URL+"/api/v1/telephony/calls/"+str(r["id"])+"/recording", nil)
			req.Header.Set("Authorization", "Bearer "+e.opTok)
			req.Header.Set("Range", "bytes=0-99")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			part, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(part, audio[:100]) || resp.Header.Get("Content-Type") != "audio/wav" {
				t.Fatalf("range: %d %s %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(part))
			}
			calls, err := e.n.Telephony.CallsOfMember(context.Background(), e.n.System, e.member.ID, 10)
			if err != nil || len(calls) != 1 || calls[0].Recording != "ready" {
				t.Fatalf("member calls: %v %+v", err, calls)
			}
			tl, err := e.n.CRM.Timelines.MemberTimeline(context.Background(), e.n.System, e.member.ID, time.Time{}, 20)
			if err != nil || len(tl.Failed) != 0 {
				t.Fatalf("member timeline: %v %v", err, tl.Failed)
			}
			var onCard int
			for _, en := range tl.Entries {
				if en.Kind == "call" && en.ID == calls[0].ID && en.Status == "answered" {
					onCard++
				}
			}
			if onCard != 1 {
				t.Fatalf("the call is on the member's timeline %d times: %+v", onCard, tl.Entries)
			}
			// Nothing of an answered call goes to the queue.
			if convs, _ := e.n.Inbox.Conversations.List(context.Background(), e.n.System, inbox.ConversationFilter{}); len(convs) != 0 {
				t.Fatalf("answered call made conversations: %+v", convs)
			}
		})
	}
}

// A missed call becomes a conversation in the line's queue (a second one
// from the same number joins it); the operator calls back with one click
// through the provider's click-to-call API, and the outcome is noted.
func TestMissedCallToCallback(t *testing.T) {
	for _, p := range providers {
		t.Run(p, func(t *testing.T) {
			e := newEnv(t, p, nil)
			ctx := context.Background()
			e.play(t, call("missed-1", false))
			e.play(t, call("missed-2", false))
			convs, err := e.n.Inbox.Conversations.List(ctx, e.n.System, inbox.ConversationFilter{Status: "open"})
			if err != nil || len(convs) != 1 {
				t.Fatalf("want one open conversation, have %d (%v)", len(convs), err)
			}
			conv := convs[0]
			if conv.Status != inbox.StatusWaiting || conv.ChannelKind != inbox.KindTelephony || conv.ContactName != "Смирнова Ольга Ивановна" {
				t.Fatalf("conversation %+v", conv)
			}
			msgs, _ := e.n.Inbox.Conversations.Messages(ctx, e.n.System, conv.ID, 0, 50)
			missed := 0
			for _, m := range msgs {
				if m.Direction == inbox.DirIn && strings.Contains(m.Text, "Пропущенный звонок с "+memberPhone) {
					missed++
				}
			}
			if missed != 2 {
				t.Fatalf("want 2 missed-call messages, have %d: %+v", missed, msgs)
			}
			for _, r := range e.calls(t, "result=missed") {
				if r["conversation_id"] != conv.ID || r["operator_id"] != nil {
					t.Fatalf("missed call row %v", r)
				}
			}
			if _, err := e.n.Inbox.Routing.Take(ctx, scopeOf(e), conv.ID); err != nil {
				t.Fatal(err)
			}
			code, b := e.api(t, "POST", "/api/v1/telephony/callback", map[string]any{"conversation_id": conv.ID})
			if code != http.StatusAccepted {
				t.Fatalf("callback: %d %s", code, b)
			}
			if cbs := e.pbx.Callbacks(); len(cbs) != 1 || cbs[0].Extension != "101" || cbs[0].Number != memberPhone {
				t.Fatalf("PBX callbacks: %+v", cbs)
			}
			back := call("back-1", true)
			back.Direction, back.Start = "out", time.Now().Add(2*time.Second).Truncate(time.Second)
			e.play(t, back)
			waitFor(t, "callback outcome", func() bool {
				var st string
				_ = e.n.DB.QueryRowContext(ctx, `SELECT status FROM tel_callbacks`).Scan(&st)
				return st == "connected"
			})
			msgs, _ = e.n.Inbox.Conversations.Messages(ctx, e.n.System, conv.ID, 0, 50)
			var notes []string
			for _, m := range msgs {
				if m.Direction == inbox.DirNote {
					notes = append(notes, m.Text)
				}
			}
			if len(notes) != 2 || !strings.Contains(notes[1], "разговор 95 с") {
				t.Fatalf("notes: %q", notes)
			}
			out := e.calls(t, "direction=out")
			if len(out) != 1 || out[0]["result"] != "answered" || out[0]["member_id"] != e.member.ID {
				t.Fatalf("outgoing call: %v", out)
			}
			// The statistics count the callback and its delay.
			code, b = e.api(t, "GET", "/api/v1/telephony/stats?from="+time.Now().AddDate(0, 0, -1).Format("2006-01-02")+
				"&to="+time.Now().AddDate(0, 0, 1).Format("2006-01-02"), nil)
			var st struct {
				Total      struct{ Calls, In, Out, Answered, Missed int }
				Missed     int `json:"missed"`
				CalledBack int `json:"called_back"`
			}
			_ = json.Unmarshal(b, &st)
			if code != 200 || st.Total.Calls != 3 || st.Total.Missed != 2 || st.Total.Out != 1 || st.CalledBack != 2 {
				t.Fatalf("stats: %d %s", code, b)
			}
		})
	}
}

func scopeOf(e *env) access.Scope {
	return access.Scope{UserID: e.op, Role: access.Operator, UnitID: e.n.Root.ID, UnitPath: e.n.Root.Path, From: "test"}
}

// A PBX refusing click-to-call: the request is stored as failed, the
// operator gets a clear error, and the conversation notes it.
func TestCallbackRefused(t *testing.T) {
	e := newEnv(t, "mango", nil)
	e.pbx.RefuseCallbacks(true)
	code, b := e.api(t, "POST", "/api/v1/telephony/callback", map[string]any{"number": "8 903 555-00-11"})
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(b), "АТС не начала звонок") {
		t.Fatalf("refused callback: %d %s", code, b)
	}
	var st, num string
	if err := e.n.DB.QueryRowContext(context.Background(), `SELECT status, number FROM tel_callbacks`).Scan(&st, &num); err != nil || st != "failed" || num != strangerPhone {
		t.Fatalf("stored callback: %v %s %s", err, st, num)
	}
	code, b = e.api(t, "POST", "/api/v1/telephony/callback", map[string]any{"number": "not a number"})
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(b), "не номер телефона") {
		t.Fatalf("bad number: %d %s", code, b)
	}
}

// The operator whose extension rings sees the caller's card before
// answering, pushed over the console's WebSocket.
func TestScreenPop(t *testing.T) {
	for _, p := range providers {
		t.Run(p, func(t *testing.T) {
			e := newEnv(t, p, nil)
			// An earlier missed call gives the card an open conversation.
			e.play(t, call("earlier", false))
			s := e.dial(t)
			c := call("ringing-now", true)
			ns := e.pbx.Notifications(c)
			for _, n := range ns[:2] { // started, ringing at 101
				if code, err := pbxsim.Post(e.hook, n); err != nil || code != 200 {
					t.Fatalf("post: %d %v", code, err)
				}
			}
			ev := s.wait(t, "call_ringing")
			data, _ := ev["data"].(map[string]any)
			card, _ := data["card"].(map[string]any)
			member, _ := card["member"].(map[string]any)
			if card["number"] != memberPhone || card["extension"] != "101" || member["full_name"] != "Смирнова Ольга Ивановна" {
				t.Fatalf("card: %v", card)
			}
			if convs, _ := card["conversations"].([]any); len(convs) != 1 {
				t.Fatalf("card conversations: %v", card["conversations"])
			}
			if recent, _ := card["recent_calls"].([]any); len(recent) != 2 {
				t.Fatalf("card recent calls: %v", card["recent_calls"])
			}
		})
	}
}

// The connector brings numbers to the form the member registry stores
// phones in (internal/norm.Phone, a copy of crm.NormalizePhone's rule):
// the two must not drift apart, or callers stop being recognised.
func TestPhoneRuleMatchesRegistry(t *testing.T) {
	for _, s := range []string{"8 (916) 123-45-67", "79161234567", "+7 916 123-45-67", "9161234567", "0049 151 12345678",
		"+4915112345678", "+7 916", "101", "anonymous", "", "+0123456789", "8-800-200-00-00"} {
		want, werr := crm.NormalizePhone(s)
		got, ok := norm.Phone(s)
		if got != want || ok != (werr == nil) {
			t.Errorf("%q: norm.Phone %q %v, crm.NormalizePhone %q %v", s, got, ok, want, werr)
		}
	}
}
