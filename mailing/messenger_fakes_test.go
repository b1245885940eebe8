package mailing_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeVK speaks VK's method protocol as vksdk calls it: POST
// /method/<name> with a form, answers {"response": …} or {"error":
// {"error_code": N, "error_msg": …}} as application/json. Like VK, it
// shows a message once per (peer, random_id) however often it is sent.
type fakeVK struct {
	*httptest.Server

	mu        sync.Mutex
	calls     int            // messages.send requests that reached the method
	byRandom  map[string]int // peer/random_id → message id
	delivered map[int][]string
	ids       map[int]int // peer → id of the last message shown
	nextID    int
	errs      []int // error codes for the next messages.send calls
	swallow   bool  // deliver, then drop the connection before answering
}

func newFakeVK(t *testing.T) *fakeVK {
	f := &fakeVK{byRandom: map[string]int{}, delivered: map[int][]string{}, ids: map[int]int{}, nextID: 1}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func vkAnswer(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeVK) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	switch strings.TrimPrefix(r.URL.Path, "/method/") {
	case "groups.getById":
		vkAnswer(w, map[string]any{"response": map[string]any{"groups": []any{map[string]any{"id": 77, "name": "Профсоюз", "type": "group"}}}})
	case "messages.send":
		f.send(w, r)
	case "users.get":
		id, _ := strconv.Atoi(r.FormValue("user_ids"))
		vkAnswer(w, map[string]any{"response": []any{map[string]any{"id": id, "first_name": "Участник", "last_name": strconv.Itoa(id)}}})
	default:
		vkAnswer(w, map[string]any{"error": map[string]any{"error_code": 3, "error_msg": "Unknown method passed"}})
	}
}

func (f *fakeVK) send(w http.ResponseWriter, r *http.Request) {
	peer, _ := strconv.Atoi(r.FormValue("peer_id"))
	key := fmt.Sprintf("%d/%s", peer, r.FormValue("random_id"))
	f.mu.Lock()
	f.calls++
	if len(f.errs) > 0 {
		code := f.errs[0]
		f.errs = f.errs[1:]
		f.mu.Unlock()
		vkAnswer(w, map[string]any{"error": map[string]any{"error_code": code, "error_msg": "Too many requests per second"}})
		return
	}
	id, dup := f.byRandom[key]
	if !dup {
		f.nextID++
		id = f.nextID
		f.byRandom[key] = id
		f.delivered[peer] = append(f.delivered[peer], r.FormValue("message"))
		f.ids[peer] = id
	}
	swallow := f.swallow
	f.mu.Unlock()
	if swallow {
		conn, _, _ := w.(http.Hijacker).Hijack()
		_ = conn.Close()
		return
	}
	vkAnswer(w, map[string]any{"response": id})
}

func (f *fakeVK) set(fn func(*fakeVK)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

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
