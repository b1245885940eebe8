package telephony_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/connectors/telephony/pbxsim"
	"github.com/profhub/profhub/inbox"
)

// Forged notifications answer 403 and store nothing, for every provider.
func TestForgedSignatures(t *testing.T) {
	for _, p := range providers {
		t.Run(p, func(t *testing.T) {
			e := newEnv(t, p, nil)
			honest := e.pbx.Notifications(call("forged", false))
			forged := e.pbx.Forger(e.pbx.Key, "wrong-salt", "wrong-secret").Notifications(call("forged", false))
			// Tampering with a signed body breaks its signature too.
			tampered := honest[0]
			tampered.Body = []byte(strings.Replace(string(tampered.Body), "9161234567", "9030000000", 1))
			forged = append(forged, tampered)
			if p == "mango" {
				forged = append(forged, e.pbx.Forger("someone-elses-key", e.pbx.Salt, e.pbx.Secret).Notifications(call("forged", false))...)
			}
			unsigned := honest[0]
			unsigned.Header = http.Header{"Content-Type": honest[0].Header["Content-Type"]}
			if p == "mango" {
				unsigned.Body = []byte(url.Values{"json": {`{"entry_id":"x"}`}}.Encode())
			}
			forged = append(forged, unsigned)
			for i, n := range forged {
				code, err := pbxsim.Post(e.hook, n)
				if err != nil || code != http.StatusForbidden {
					t.Errorf("forged notification %d: %d %v", i, code, err)
				}
			}
			if n := e.count(t, "tel_calls") + e.count(t, "tel_call_events"); n != 0 {
				t.Fatalf("forged notifications stored %d rows", n)
			}
			// An unknown channel is refused the same way.
			if code, _ := pbxsim.Post(e.n.Server.URL+"/hooks/telephony/nope", honest[0]); code != http.StatusForbidden {
				t.Fatalf("unknown channel: %d", code)
			}
		})
	}
}

// A generic event signed long ago is a replay: refused.
func TestGenericReplayWindow(t *testing.T) {
	e := newEnv(t, "generic", nil)
	ev := map[string]any{"id": "e1", "call_id": "c1", "type": "started", "at": time.Now().Format(time.RFC3339), "direction": "in", "number": "+79161234567"}
	old := e.pbx.GenericNotification(ev, time.Now().Add(-10*time.Minute))
	if code, _ := pbxsim.Post(e.hook, old); code != http.StatusForbidden {
		t.Fatalf("stale signature: %d", code)
	}
	future := e.pbx.GenericNotification(ev, time.Now().Add(10*time.Minute))
	if code, _ := pbxsim.Post(e.hook, future); code != http.StatusForbidden {
		t.Fatalf("future signature: %d", code)
	}
	if n := e.count(t, "tel_call_events"); n != 0 {
		t.Fatalf("replays stored %d events", n)
	}
	// Malformed but correctly signed bodies are 4xx and store nothing.
	for _, body := range []any{map[string]any{"id": "x"}, map[string]any{"id": "x", "call_id": "c", "type": "exploded", "at": time.Now()}, "[1,2"} {
		n := e.pbx.GenericNotification(body, time.Now())
		if s, ok := body.(string); ok {
			n.Body = []byte(s)
			n.Header.Set("X-Profhub-Signature", pbxsim.SignGeneric(e.pbx.Secret, time.Now(), n.Body))
		}
		if code, _ := pbxsim.Post(e.hook, n); code < 400 || code >= 500 || code == http.StatusForbidden {
			t.Fatalf("malformed %v: %d", body, code)
		}
	}
	big := e.pbx.GenericNotification(map[string]any{"id": "x", "cause": strings.Repeat("a", 300<<10)}, time.Now())
	if code, _ := pbxsim.Post(e.hook, big); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized: %d", code)
	}
	if n := e.count(t, "tel_call_events"); n != 0 {
		t.Fatalf("bad bodies stored %d events", n)
	}
}

// Events replayed, reordered and duplicated converge to the record the
// ordered delivery makes; a missed call is queued once.
func TestReorderedDuplicatedEventsConverge(t *testing.T) {
	for _, p := range providers {
		t.Run(p, func(t *testing.T) {
			for _, answered := range []bool{true, false} {
				ordered := newEnv(t, p, nil)
				c := call("conv-"+fmt.Sprint(answered), answered)
				if answered {
					c.Recording = "rec-x"
				}
				ordered.play(t, c)
				want := ordered.oneCall(t)

				e := newEnv(t, p, nil)
				ns := e.pbx.Notifications(c)
				shuffled := append(append([]pbxsim.Notification{}, ns...), ns...)
				rand.New(rand.NewPCG(uint64(len(ns)), 7)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				for _, n := range shuffled {
					if code, err := pbxsim.Post(e.hook, n); err != nil || code != 200 {
						t.Fatalf("post: %d %v", code, err)
					}
				}
				got := e.oneCall(t)
				keys := []string{"direction", "state", "number", "line_number", "extension", "result", "talk_s", "member_name"}
				if p != "zadarma" {
					// Zadarma reports no answer or end time: those are when
					// its notifications arrive, so only the rest compares.
					keys = append(keys, "started_at", "answered_at", "ended_at", "wait_s")
				}
				for _, k := range keys {
					if str(got[k]) != str(want[k]) {
						t.Errorf("answered=%v %s: reordered %v, ordered %v", answered, k, got[k], want[k])
					}
				}
				if (got["operator_id"] == nil) != (want["operator_id"] == nil) {
					t.Errorf("operator: %v vs %v", got["operator_id"], want["operator_id"])
				}
				if !answered {
					convs, _ := e.n.Inbox.Conversations.List(context.Background(), e.n.System, inbox.ConversationFilter{})
					if len(convs) != 1 {
						t.Fatalf("%d conversations", len(convs))
					}
					msgs, _ := e.n.Inbox.Conversations.Messages(context.Background(), e.n.System, convs[0].ID, 0, 50)
					in := 0
					for _, m := range msgs {
						if m.Direction == inbox.DirIn {
							in++
						}
					}
					if in != 1 {
						t.Fatalf("missed call queued %d times", in)
					}
				}
			}
		})
	}
}

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// Recording addresses on loopback, private, link-local or metadata
// addresses, or redirecting there or to another host, are refused (the
// call says "recording unavailable" and why); the dial-time check holds
// even when the host name is allowed.
func TestRecordingSSRF(t *testing.T) {
	internal := closedPort(t)
	cases := map[string]string{
		"loopback":        "http://" + internal + "/rec.wav",
		"metadata":        "http://169.254.169.254/latest/meta-data/",
		"private":         "http://10.1.2.3/rec.wav",
		"ipv6 loopback":   "http://[::1]:9/rec.wav",
		"localhost name":  "http://localhost:" + strings.Split(internal, ":")[1] + "/rec.wav",
		"other host":      "http://evil.example/rec.wav",
		"redirect inside": "REDIRECT:http://" + internal + "/x",
		"redirect away":   "REDIRECT:http://evil.example/x",
		"not http":        "file:///etc/passwd",
	}
	for name, target := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, "generic", map[string]string{"recording_hosts": "127.0.0.1,localhost,169.254.169.254,10.1.2.3,::1"})
			ref := target
			if strings.HasPrefix(target, "REDIRECT:") {
				e.pbx.AddRecording("r", pbxsim.ToneWAV(1))
				e.pbx.RedirectRecording("r", strings.TrimPrefix(target, "REDIRECT:"))
				ref = e.pbx.RecordingURL("r")
			}
			ev := map[string]any{"id": "e1", "call_id": "c1", "type": "ended", "at": time.Now().Format(time.RFC3339), "direction": "in",
				"number": memberPhone, "result": "answered", "duration_s": 10, "recording_url": ref}
			if code, _ := pbxsim.Post(e.hook, e.pbx.GenericNotification(ev, time.Now())); code != 200 {
				t.Fatalf("post: %d", code)
			}
			r := e.waitRecording(t, "unavailable")
			if r["recording_error"] == nil || r["recording_error"] == "" {
				t.Fatalf("no reason given: %v", r)
			}
			t.Log(r["recording_error"])
		})
	}
}

// A download that fails is retried with backoff until it works.
func TestRecordingRetries(t *testing.T) {
	e := newEnv(t, "zadarma", nil)
	e.pbx.AddRecording("rec-r", pbxsim.ToneWAV(1))
	e.pbx.FailRecording("rec-r", 2)
	c := call("retry", true)
	c.Recording = "rec-r"
	e.play(t, c)
	ctx := context.Background()
	attempts := func() (n int, state string) {
		_ = e.n.DB.QueryRowContext(ctx, `SELECT rec_attempts, recording_state FROM tel_calls`).Scan(&n, &state)
		return
	}
	waitFor(t, "first attempt", func() bool {
		_, _ = e.n.Telephony.FetchRecordings(ctx, time.Now())
		n, _ := attempts()
		return n >= 1
	})
	if n, st := attempts(); st != "pending" || n != 1 {
		t.Fatalf("after one failure: %d attempts, %s", n, st)
	}
	later := time.Now()
	for i := 0; i < 3; i++ {
		later = later.Add(3 * time.Hour)
		if _, err := e.n.Telephony.FetchRecordings(ctx, later); err != nil {
			t.Fatal(err)
		}
	}
	if n, st := attempts(); st != "ready" || n != 3 {
		t.Fatalf("after retries: %d attempts, %s", n, st)
	}
}

// A recording over the channel's cap is refused cleanly, without retry.
func TestRecordingTooLarge(t *testing.T) {
	e := newEnv(t, "mango", map[string]string{"max_recording_mb": "1"})
	e.pbx.AddRecording("big", pbxsim.ToneWAV(70)) // 1.1 MB
	c := call("big", true)
	c.Recording = "big"
	e.play(t, c)
	r := e.waitRecording(t, "unavailable")
	if !strings.Contains(str(r["recording_error"]), "larger than") {
		t.Fatalf("reason: %v", r["recording_error"])
	}
}

// Zadarma checks the address with ?zd_echo before it sends events.
func TestZadarmaEcho(t *testing.T) {
	e := newEnv(t, "zadarma", nil)
	get := func(hook, q string) (int, string) {
		resp, err := http.Get(hook + "?zd_echo=" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(e.hook, "Ab12_x"); code != 200 || body != "Ab12_x" {
		t.Fatalf("echo: %d %q", code, body)
	}
	if code, _ := get(e.hook, url.QueryEscape("<script>")); code != http.StatusBadRequest {
		t.Fatalf("hostile echo: %d", code)
	}
	g := newEnv(t, "generic", nil)
	if code, _ := get(g.hook, "abc"); code != http.StatusNotFound {
		t.Fatalf("echo on a generic channel: %d", code)
	}
}
