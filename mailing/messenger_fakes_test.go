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
	"time"
)

// fakeTelegram speaks the Bot API as the library calls it: methods POSTed
// as multipart forms to /bot<token>/<method>, answers {"ok":true,
// "result":…} or {"ok":false,"error_code":…,"description":…,
// "parameters":{"retry_after":…}}. It can answer 429 and refuse chats
// that blocked the bot.
type fakeTelegram struct {
	*httptest.Server
	token string

	mu         sync.Mutex
	secret     string // the webhook's secret_token
	sent       []tgSent
	nextID     int
	fail429    int // answer this many sendMessage calls with 429 first
	retryAfter int
	pauseUntil time.Time
	violations int // sends that arrived inside a pause Telegram asked for
	blocked    map[int64]bool
}

type tgSent struct {
	Chat      int64
	Text      string
	ParseMode string
	At        time.Time
}

func newFakeTelegram(t *testing.T) *fakeTelegram {
	f := &fakeTelegram{token: "123456:MAILING-test", nextID: 100, blocked: map[int64]bool{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func tgAnswer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeTelegram) serve(w http.ResponseWriter, r *http.Request) {
	tok, method, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	if tok != f.token {
		tgAnswer(w, 401, map[string]any{"ok": false, "error_code": 401, "description": "Unauthorized"})
		return
	}
	_ = r.ParseMultipartForm(1 << 20)
	switch method {
	case "getMe":
		tgAnswer(w, 200, map[string]any{"ok": true, "result": map[string]any{"id": 123456, "is_bot": true, "first_name": "Профсоюз", "username": "union_bot"}})
	case "setWebhook":
		f.mu.Lock()
		f.secret = r.FormValue("secret_token")
		f.mu.Unlock()
		tgAnswer(w, 200, map[string]any{"ok": true, "result": true})
	case "deleteWebhook", "setMyCommands", "setChatMenuButton":
		tgAnswer(w, 200, map[string]any{"ok": true, "result": true})
	case "sendMessage":
		f.sendMessage(w, r)
	default:
		tgAnswer(w, 404, map[string]any{"ok": false, "error_code": 404, "description": "Not Found: method " + method})
	}
}

func (f *fakeTelegram) sendMessage(w http.ResponseWriter, r *http.Request) {
	chat, _ := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	if now.Before(f.pauseUntil.Add(-100 * time.Millisecond)) {
		f.violations++
	}
	if f.fail429 > 0 {
		f.fail429--
		f.pauseUntil = now.Add(time.Duration(f.retryAfter) * time.Second)
		tgAnswer(w, 429, map[string]any{"ok": false, "error_code": 429, "description": "Too Many Requests: retry after " + strconv.Itoa(f.retryAfter),
			"parameters": map[string]any{"retry_after": f.retryAfter}})
		return
	}
	if f.blocked[chat] {
		tgAnswer(w, 403, map[string]any{"ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user"})
		return
	}
	f.nextID++
	f.sent = append(f.sent, tgSent{Chat: chat, Text: r.FormValue("text"), ParseMode: r.FormValue("parse_mode"), At: now})
	tgAnswer(w, 200, map[string]any{"ok": true, "result": map[string]any{"message_id": f.nextID, "date": now.Unix(),
		"chat": map[string]any{"id": chat, "type": "private"}, "text": r.FormValue("text")}})
}

func (f *fakeTelegram) messages() []tgSent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]tgSent(nil), f.sent...)
}

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
