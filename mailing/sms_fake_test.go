package mailing_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// fakeSMS is a generic HTTP SMS gateway: JSON {to, from, text, id}.
type fakeSMS struct {
	*httptest.Server
	mu   sync.Mutex
	sent map[string][]string // phone → texts
}

func newFakeSMS(t *testing.T) *fakeSMS {
	f := &fakeSMS{sent: map[string][]string{}}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct{ To, Text string }
		_ = json.NewDecoder(r.Body).Decode(&m)
		f.mu.Lock()
		f.sent[m.To] = append(f.sent[m.To], m.Text)
		f.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(f.Close)
	return f
}
