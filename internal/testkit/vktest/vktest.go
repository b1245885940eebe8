// Package vktest is a VK API server on loopback for tests: it speaks the
// method protocol as github.com/SevereCloud/vksdk (the hub's client) uses
// it, so tests drive the product's own client against it. It also serves
// a Bots Long Poll server, upload servers and files, and switches inject
// errors, slowness, lost answers and connection resets. Tests only.
package vktest

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// DefaultToken is the community token New's server accepts.
const DefaultToken = "vk1.a.community-token"

// Server speaks the VK API's method protocol: POST form to
// /method/<name>, answers {"response": …} or {"error": {"error_code": N,
// "error_msg": …}} as application/json; a request without the token
// ("Authorization: Bearer …") gets error 5. Like VK, messages.send shows a
// message once per (peer, random_id) however often it is sent. Its
// exported fields are switches and records: change or read them under Mu
// (or with Set); Token and GroupID before the first request.
type Server struct {
	*httptest.Server
	t testing.TB

	Mu      sync.Mutex
	Token   string
	GroupID int

	calls       map[string]int // by method
	Sends       []SendCall     // every messages.send that reached the method
	Delivered   map[int]SendCall
	DeliveredTo map[int][]string // by peer: the texts the member saw, in order
	LastID      map[int]int      // by peer: the id of the last message shown
	Order       []SendCall       // deliveries as the members saw them
	deliveredID map[string]int   // by peer/random_id
	nextMsgID   int
	SendCount   int
	CallTimes   []time.Time // every method call, when it arrived

	SendErrs  []int       // error codes for the next messages.send calls
	ErrEvery  map[int]int // answer every Nth messages.send with an error code (code → N)
	Refuse    map[string]bool
	SlowSend  int // answer this many messages.send after SendDelay
	SendDelay time.Duration
	ResetSend int  // close the connection after delivering this many messages.send
	Swallow   bool // close the connection after delivering every messages.send
	// Hold makes messages.send wait until it is closed; Jitter delays each
	// messages.send by a random time up to it, before it is delivered.
	Hold   chan struct{}
	Jitter time.Duration

	LPErrs   []int // error codes for the next groups.setLongPollSettings
	lpEvents []json.RawMessage
	LPPolls  int
	LPResets int // close the connection on this many long-poll requests

	// EventAnswers are the answers to pressed callback buttons
	// (messages.sendMessageEventAnswer), in order.
	EventAnswers []EventAnswer
	comments     commentState // comments.go

	Files    map[string][]byte // served at /files/<name>
	FileHits int
	Uploads  []string // "field:name:size" of files uploaded
}

// SendCall is one messages.send as it arrived.
type SendCall struct {
	PeerID     int
	RandomID   int
	Text       string
	Attachment string
	Keyboard   string // the keyboard's JSON, as sent
}

// EventAnswer is one messages.sendMessageEventAnswer: Data is its
// event_data JSON (a snackbar's {"type":"show_snackbar","text":…}).
type EventAnswer struct {
	EventID        string
	UserID, PeerID int
	Data           string
}

// New starts a server that the test closes when it ends.
func New(t testing.TB) *Server {
	f := &Server{t: t, Token: DefaultToken, GroupID: 218000001, calls: map[string]int{}, Delivered: map[int]SendCall{},
		DeliveredTo: map[int][]string{}, LastID: map[int]int{}, deliveredID: map[string]int{}, nextMsgID: 1000, Files: map[string][]byte{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /method/{name}", f.method)
	mux.HandleFunc("GET /lp", f.longPoll)
	mux.HandleFunc("GET /files/{name}", f.file)
	mux.HandleFunc("POST /upload/{kind}", f.upload)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

// APIURL is what a channel's api_url setting points at.
func (f *Server) APIURL() string { return f.URL + "/method/" }

// Set changes the switches under the lock.
func (f *Server) Set(fn func(*Server)) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	fn(f)
}

// Count is how many calls of method name arrived.
func (f *Server) Count(name string) int {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	return f.calls[name]
}

// Snapshot copies the sends and the deliveries by random_id.
func (f *Server) Snapshot() ([]SendCall, map[int]SendCall) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	d := map[int]SendCall{}
	for k, v := range f.Delivered {
		d[k] = v
	}
	return append([]SendCall(nil), f.Sends...), d
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"response": v})
}

func replyErr(w http.ResponseWriter, code int) {
	msgs := map[int]string{3: "Unknown method passed", 5: "User authorization failed: invalid access_token", 6: "Too many requests per second",
		9: "Flood control", 15: "Access denied", 29: "Rate limit reached",
		901: "Can't send messages for users without permission"}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"error_code": code, "error_msg": msgs[code]}})
}

func (f *Server) method(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	_ = r.ParseForm()
	// VK counts a request when it arrives, however long it then takes.
	f.Mu.Lock()
	f.calls[name]++
	f.CallTimes = append(f.CallTimes, time.Now())
	hold, token, group := f.Hold, f.Token, f.GroupID
	f.Mu.Unlock()
	if name == "messages.send" && hold != nil {
		select {
		case <-hold:
		case <-r.Context().Done():
			return
		}
	}
	if r.Header.Get("Authorization") != "Bearer "+token {
		replyErr(w, 5)
		return
	}
	if v := r.Form.Get("v"); v != "5.199" {
		f.t.Errorf("fake VK: %s called with API version %q", name, v)
	}
	switch name {
	case "groups.getById":
		reply(w, map[string]any{"groups": []any{map[string]any{"id": group, "name": "Профсоюз работников образования",
			"screen_name": "prof_edu", "type": "group"}}, "profiles": []any{}})
	case "users.get":
		id, _ := strconv.Atoi(r.Form.Get("user_ids"))
		reply(w, []any{map[string]any{"id": id, "first_name": "Марина", "last_name": fmt.Sprintf("Ковалёва-%d", id)}})
	case "messages.send":
		f.messagesSend(w, r)
	case "messages.sendMessageEventAnswer":
		user, _ := strconv.Atoi(r.Form.Get("user_id"))
		peer, _ := strconv.Atoi(r.Form.Get("peer_id"))
		if r.Form.Get("event_id") == "" || peer == 0 {
			replyErr(w, 100)
			return
		}
		f.Mu.Lock()
		f.EventAnswers = append(f.EventAnswers, EventAnswer{EventID: r.Form.Get("event_id"), UserID: user, PeerID: peer, Data: r.Form.Get("event_data")})
		f.Mu.Unlock()
		reply(w, 1)
	case "groups.setLongPollSettings":
		f.Mu.Lock()
		var code int
		if len(f.LPErrs) > 0 {
			code, f.LPErrs = f.LPErrs[0], f.LPErrs[1:]
		}
		f.Mu.Unlock()
		if code != 0 {
			replyErr(w, code)
			return
		}
		if r.Form.Get("message_new") != "true" && r.Form.Get("message_new") != "1" {
			f.t.Errorf("fake VK: long poll settings without message_new: %v", r.Form)
		}
		reply(w, 1)
	case "groups.getLongPollServer":
		f.Mu.Lock()
		ts := len(f.lpEvents)
		f.Mu.Unlock()
		reply(w, map[string]any{"key": "lp-key", "server": f.URL + "/lp", "ts": strconv.Itoa(ts)})
	case "photos.getMessagesUploadServer":
		reply(w, map[string]any{"upload_url": f.URL + "/upload/photo", "album_id": -3, "group_id": group})
	case "photos.saveMessagesPhoto":
		if r.Form.Get("photo") == "" || r.Form.Get("hash") != "h4sh" {
			replyErr(w, 100)
			return
		}
		reply(w, []any{map[string]any{"id": 457239017, "owner_id": -group, "access_key": "ak1"}})
	case "docs.getMessagesUploadServer":
		reply(w, map[string]any{"upload_url": f.URL + "/upload/doc"})
	case "docs.save":
		reply(w, map[string]any{"type": "doc", "doc": map[string]any{"id": 660001, "owner_id": -group, "title": r.Form.Get("title")}})
	default:
		if !f.commentMethod(w, r, name) {
			replyErr(w, 3)
		}
	}
}

// messagesSend deduplicates by (peer, random_id) as VK does: a repeated
// request returns the first message's id and shows nothing new. Injected
// slowness and resets happen after delivery: VK did it, the answer got
// lost.
func (f *Server) messagesSend(w http.ResponseWriter, r *http.Request) {
	peer, _ := strconv.Atoi(r.Form.Get("peer_id"))
	rid, _ := strconv.Atoi(r.Form.Get("random_id"))
	call := SendCall{PeerID: peer, RandomID: rid, Text: r.Form.Get("message"), Attachment: r.Form.Get("attachment"),
		Keyboard: r.Form.Get("keyboard")}
	f.Mu.Lock()
	jitter := f.Jitter
	f.Mu.Unlock()
	if jitter > 0 {
		time.Sleep(time.Duration(rand.Int64N(int64(jitter))))
	}
	f.Mu.Lock()
	f.Sends = append(f.Sends, call)
	var code int
	if len(f.SendErrs) > 0 {
		code, f.SendErrs = f.SendErrs[0], f.SendErrs[1:]
	}
	f.SendCount++
	for c, n := range f.ErrEvery {
		if code == 0 && f.SendCount%n == 0 {
			code = c
		}
	}
	if code == 0 && f.Refuse[call.Text] {
		code = 100
	}
	if code != 0 {
		f.Mu.Unlock()
		replyErr(w, code)
		return
	}
	key := fmt.Sprintf("%d/%d", peer, rid)
	id, ok := f.deliveredID[key]
	if !ok || rid == 0 {
		f.nextMsgID++
		id = f.nextMsgID
		f.Delivered[rid] = call
		f.deliveredID[key] = id
		f.DeliveredTo[peer] = append(f.DeliveredTo[peer], call.Text)
		f.LastID[peer] = id
		f.Order = append(f.Order, call)
	}
	reset := f.ResetSend > 0 || f.Swallow
	if f.ResetSend > 0 {
		f.ResetSend--
	}
	slow := f.SlowSend > 0
	if slow {
		f.SlowSend--
	}
	delay := f.SendDelay
	f.Mu.Unlock()
	if slow {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if reset {
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		_ = conn.Close()
		return
	}
	reply(w, id)
}

// PushEvent queues a Bots Long Poll update.
func (f *Server) PushEvent(typ string, object any) {
	obj, _ := json.Marshal(object)
	f.Mu.Lock()
	defer f.Mu.Unlock()
	ev, _ := json.Marshal(map[string]any{"type": typ, "group_id": f.GroupID, "event_id": fmt.Sprintf("ev%d", time.Now().UnixNano()),
		"v": "5.199", "object": json.RawMessage(obj)})
	f.lpEvents = append(f.lpEvents, ev)
}

// longPoll answers a_check: the updates after ts, or none after a short
// wait.
func (f *Server) longPoll(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("act") != "a_check" || q.Get("key") != "lp-key" {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"failed":2}`)
		return
	}
	f.Mu.Lock()
	reset := f.LPResets > 0
	if reset {
		f.LPResets--
	}
	f.Mu.Unlock()
	if reset {
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		_ = conn.Close()
		return
	}
	ts, _ := strconv.Atoi(q.Get("ts"))
	deadline := time.Now().Add(500 * time.Millisecond)
	for {
		f.Mu.Lock()
		f.LPPolls++
		n := len(f.lpEvents)
		var updates []json.RawMessage
		if ts < n {
			updates = append(updates, f.lpEvents[ts:]...)
		}
		f.Mu.Unlock()
		if len(updates) > 0 || time.Now().After(deadline) {
			w.Header().Set("Content-Type", "application/json")
			if updates == nil {
				updates = []json.RawMessage{}
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"ts": strconv.Itoa(n), "updates": updates})
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (f *Server) file(w http.ResponseWriter, r *http.Request) {
	f.Mu.Lock()
	b, ok := f.Files[r.PathValue("name")]
	f.FileHits++
	f.Mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	_, _ = w.Write(b)
}

func (f *Server) upload(w http.ResponseWriter, r *http.Request) {
	field := map[string]string{"photo": "photo", "doc": "file"}[r.PathValue("kind")]
	file, hdr, err := r.FormFile(field)
	if err != nil {
		http.Error(w, "no file", http.StatusBadRequest)
		return
	}
	b, _ := io.ReadAll(file)
	f.Mu.Lock()
	f.Uploads = append(f.Uploads, field+":"+hdr.Filename+":"+strconv.Itoa(len(b)))
	f.Mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if field == "photo" {
		_, _ = io.WriteString(w, `{"server":123,"photo":"[{\"photo\":\"abc\"}]","hash":"h4sh"}`)
		return
	}
	_, _ = io.WriteString(w, `{"file":"doc-file-token"}`)
}

// MessageNew builds a message_new object as VK sends it.
func MessageNew(peer, cmid int, text string, attachments ...any) map[string]any {
	if attachments == nil {
		attachments = []any{}
	}
	return map[string]any{"message": map[string]any{"id": 0, "date": time.Now().Unix(), "peer_id": peer, "from_id": peer,
		"conversation_message_id": cmid, "text": text, "attachments": attachments, "fwd_messages": []any{}, "out": 0},
		"client_info": map[string]any{"button_actions": []string{"text"}, "keyboard": true}}
}

// MessageEvent builds a message_event object: peer pressed a callback
// button with payload (its JSON) under the community's message cmid.
func MessageEvent(peer, cmid int, eventID, payload string) map[string]any {
	return map[string]any{"user_id": peer, "peer_id": peer, "event_id": eventID, "payload": json.RawMessage(payload),
		"conversation_message_id": cmid}
}

// Callback builds a Callback API request body.
func Callback(typ, secret string, groupID int, object any) string {
	b, _ := json.Marshal(map[string]any{"type": typ, "group_id": groupID, "event_id": "3f1c2e0aa5", "v": "5.199",
		"secret": secret, "object": object})
	return string(b)
}
