package inbox_test

import (
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
