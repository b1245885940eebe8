package inbox_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/profhub/profhub/inbox"
)

// countingBody is a request body of n bytes that counts what is read.
type countingBody struct {
	left int64
	read atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), b.left)
	for i := range p[:k] {
		p[i] = ' ' // JSON whitespace: a decoder reads on looking for a value
	}
	b.left -= k
	b.read.Add(k)
	return int(k), nil
}

func (b *countingBody) Close() error { return nil }

// The API hook checks the token before it reads a body: a caller without
// a good token makes the hub read at most 64 KiB of the 32 MiB the hooks
// allow, whatever it sends. An authenticated caller's body is read.
func TestAPIHookChecksTokenBeforeReadingTheBody(t *testing.T) {
	f := newFixture(t, inbox.Evenly)
	const size = 20 << 20
	for _, tc := range []struct {
		name       string
		token      string
		channel    string
		wantStatus int
		wantRead   func(n int64) bool
	}{
		{"wrong token", "phc_wrong", f.channel.ID, http.StatusUnauthorized, func(n int64) bool { return n <= 64<<10 }},
		{"no token", "", f.channel.ID, http.StatusUnauthorized, func(n int64) bool { return n <= 64<<10 }},
		{"token of another channel", f.chToken, "other", http.StatusUnauthorized, func(n int64) bool { return n <= 64<<10 }},
		// All whitespace: read to the end, then refused as empty.
		{"good token", f.chToken, f.channel.ID, http.StatusUnprocessableEntity, func(n int64) bool { return n == size }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := &countingBody{left: size}
			req := httptest.NewRequest("POST", "/hooks/api/"+tc.channel+"/messages", nil)
			req.Body, req.ContentLength = body, -1 // chunked: no length to refuse early
			req.Header.Set("Authorization", "Bearer "+tc.token)
			req.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			f.n.Handler().ServeHTTP(w, req)
			if w.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.wantStatus, w.Body)
			}
			if n := body.read.Load(); !tc.wantRead(n) {
				t.Fatalf("%d bytes of the body read", n)
			}
			if tc.wantStatus == http.StatusUnauthorized && !strings.Contains(w.Body.String(), `"unauthorized"`) {
				t.Fatalf("body %s", w.Body)
			}
		})
	}
}

// A refused message is one line in the log, a warning, whatever refused
// it: the token check or the disabled channel.
func TestAPIHookRefusalIsLoggedOnce(t *testing.T) {
	f := newFixture(t, inbox.Evenly)
	body := `{"contact":{"id":"a"},"message":{"id":"1","text":"x"}}`
	post := func(reqID, token string) int {
		req := httptest.NewRequest("POST", "/hooks/api/"+f.channel.ID+"/messages", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("X-Request-Id", reqID)
		w := httptest.NewRecorder()
		f.n.Handler().ServeHTTP(w, req)
		return w.Code
	}
	if code := post("refusal-token", "phc_wrong"); code != http.StatusUnauthorized {
		t.Fatalf("wrong token = %d", code)
	}
	if err := f.n.Inbox.Channels.SetDisabled(context.Background(), f.n.System, f.channel.ID, true); err != nil {
		t.Fatal(err)
	}
	if code := post("refusal-disabled", f.chToken); code != http.StatusForbidden {
		t.Fatalf("disabled channel = %d", code)
	}
	for _, id := range []string{"refusal-token", "refusal-disabled"} {
		lines := f.n.Logs.Matching("req=" + id)
		if len(lines) != 1 || !strings.Contains(lines[0], "level=WARN") || !strings.Contains(lines[0], "channel=") {
			t.Errorf("%s: want one warning naming the channel, got %q", id, lines)
		}
	}
	if lines := f.n.Logs.Matching("disabled channel"); len(lines) > 1 {
		t.Errorf("the disabled channel's refusal is logged %d times: %q", len(lines), lines)
	}
}
