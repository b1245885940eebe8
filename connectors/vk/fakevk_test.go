package vk_test

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

// fakeVK speaks the VK API's method protocol on loopback, as the SDK
// uses it: POST form to /method/<name>, answers {"response": …} or
// {"error": {"error_code": N, "error_msg": …}} as application/json. It
// also serves a Bots Long Poll server, upload servers and files, and can
// inject errors, slowness and connection resets.
type fakeVK struct {
	*httptest.Server
	t       *testing.T
	token   string
	groupID int

	mu          sync.Mutex
	calls       map[string]int
	sends       []sendCall       // every messages.send that reached the method
	delivered   map[int]sendCall // by random_id: what the member saw
	nextMsgID   int
	sendErrs    []int // error codes for the next messages.send calls
	deliveredID map[int]int
	slowSend    int // answer this many messages.send after sendDelay
	sendDelay   time.Duration
	resetSend   int   // close the connection on this many messages.send
	lpErrs      []int // error codes for the next groups.setLongPollSettings
	lpEvents    []json.RawMessage
	lpPolls     int
	lpResets    int // close the connection on this many long-poll requests
	files       map[string][]byte
	fileHits    int
	uploads     []string // field names of files uploaded
	// errEvery answers every Nth messages.send with an error code (code
	// → N); callTimes records every method call made with the token.
	errEvery  map[int]int
	sendCount int
	callTimes []time.Time
	hold      chan struct{} // messages.send waits until it is closed
	// jitter delays each messages.send by a random time up to it, before
	// it is delivered; refuse answers these texts with error 100 (a reply
	// that fails for good); order lists deliveries as the member saw them.
	jitter time.Duration
	refuse map[string]bool
	order  []sendCall
}

type sendCall struct {
	PeerID     int
	RandomID   int
	Text       string
	Attachment string
}

const fakeToken = "vk1.a.community-token"

func newFakeVK(t *testing.T) *fakeVK {
	f := &fakeVK{t: t, token: fakeToken, groupID: 218000001, calls: map[string]int{}, delivered: map[int]sendCall{}, deliveredID: map[int]int{},
		nextMsgID: 1000, files: map[string][]byte{}}
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
func (f *fakeVK) APIURL() string { return f.URL + "/method/" }

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"response": v})
}

func replyErr(w http.ResponseWriter, code int) {
	msgs := map[int]string{5: "User authorization failed: invalid access_token", 6: "Too many requests per second",
		9: "Flood control", 15: "Access denied", 29: "Rate limit reached",
		901: "Can't send messages for users without permission"}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"error_code": code, "error_msg": msgs[code]}})
}

func (f *fakeVK) count(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[name]
}

func (f *fakeVK) method(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	_ = r.ParseForm()
	// VK counts a request when it arrives, however long it then takes.
	f.mu.Lock()
	f.calls[name]++
	f.callTimes = append(f.callTimes, time.Now())
	hold := f.hold
	f.mu.Unlock()
	if name == "messages.send" && hold != nil {
		select {
		case <-hold:
		case <-r.Context().Done():
			return
		}
	}
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		replyErr(w, 5)
		return
	}
	if v := r.Form.Get("v"); v != "5.199" {
		f.t.Errorf("fake VK: %s called with API version %q", name, v)
	}
	switch name {
	case "groups.getById":
		reply(w, map[string]any{"groups": []any{map[string]any{"id": f.groupID, "name": "Профсоюз работников образования",
			"screen_name": "prof_edu", "type": "group"}}, "profiles": []any{}})
	case "users.get":
		id, _ := strconv.Atoi(r.Form.Get("user_ids"))
		reply(w, []any{map[string]any{"id": id, "first_name": "Марина", "last_name": fmt.Sprintf("Ковалёва-%d", id)}})
	case "messages.send":
		f.messagesSend(w, r)
	case "groups.setLongPollSettings":
		f.mu.Lock()
		var code int
		if len(f.lpErrs) > 0 {
			code, f.lpErrs = f.lpErrs[0], f.lpErrs[1:]
		}
		f.mu.Unlock()
		if code != 0 {
			replyErr(w, code)
			return
		}
		if r.Form.Get("message_new") != "true" && r.Form.Get("message_new") != "1" {
			f.t.Errorf("fake VK: long poll settings without message_new: %v", r.Form)
		}
		reply(w, 1)
	case "groups.getLongPollServer":
		f.mu.Lock()
		ts := len(f.lpEvents)
		f.mu.Unlock()
		reply(w, map[string]any{"key": "lp-key", "server": f.URL + "/lp", "ts": strconv.Itoa(ts)})
	case "photos.getMessagesUploadServer":
		reply(w, map[string]any{"upload_url": f.URL + "/upload/photo", "album_id": -3, "group_id": f.groupID})
	case "photos.saveMessagesPhoto":
		if r.Form.Get("photo") == "" || r.Form.Get("hash") != "h4sh" {
			replyErr(w, 100)
			return
		}
		reply(w, []any{map[string]any{"id": 457239017, "owner_id": -f.groupID, "access_key": "ak1"}})
	case "docs.getMessagesUploadServer":
		reply(w, map[string]any{"upload_url": f.URL + "/upload/doc"})
	case "docs.save":
		reply(w, map[string]any{"type": "doc", "doc": map[string]any{"id": 660001, "owner_id": -f.groupID, "title": r.Form.Get("title")}})
	default:
		replyErr(w, 3)
	}
}

// messagesSend deduplicates by random_id as VK does: a repeated request
// returns the first message's id and shows nothing new. Injected slowness
// and resets happen after delivery: VK did it, the answer got lost.
func (f *fakeVK) messagesSend(w http.ResponseWriter, r *http.Request) {
	peer, _ := strconv.Atoi(r.Form.Get("peer_id"))
	rid, _ := strconv.Atoi(r.Form.Get("random_id"))
	call := sendCall{PeerID: peer, RandomID: rid, Text: r.Form.Get("message"), Attachment: r.Form.Get("attachment")}
	f.mu.Lock()
	jitter := f.jitter
	f.mu.Unlock()
	if jitter > 0 {
		time.Sleep(time.Duration(rand.Int64N(int64(jitter))))
	}
	f.mu.Lock()
	f.sends = append(f.sends, call)
	var code int
	if len(f.sendErrs) > 0 {
		code, f.sendErrs = f.sendErrs[0], f.sendErrs[1:]
	}
	f.sendCount++
	for c, n := range f.errEvery {
		if code == 0 && f.sendCount%n == 0 {
			code = c
		}
	}
	if code == 0 && f.refuse[call.Text] {
		code = 100
	}
	if code != 0 {
		f.mu.Unlock()
		replyErr(w, code)
		return
	}
	id, ok := f.deliveredID[rid]
	if !ok || rid == 0 {
		f.nextMsgID++
		id = f.nextMsgID
		f.delivered[rid] = call
		f.deliveredID[rid] = id
		f.order = append(f.order, call)
	}
	reset := f.resetSend > 0
	if reset {
		f.resetSend--
	}
	slow := f.slowSend > 0
	if slow {
		f.slowSend--
	}
	delay := f.sendDelay
	f.mu.Unlock()
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

func (f *fakeVK) snapshot() ([]sendCall, map[int]sendCall) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := map[int]sendCall{}
	for k, v := range f.delivered {
		d[k] = v
	}
	return append([]sendCall(nil), f.sends...), d
}

// pushEvent queues a Bots Long Poll update.
func (f *fakeVK) pushEvent(typ string, object any) {
	obj, _ := json.Marshal(object)
	ev, _ := json.Marshal(map[string]any{"type": typ, "group_id": f.groupID, "event_id": fmt.Sprintf("ev%d", time.Now().UnixNano()),
		"v": "5.199", "object": json.RawMessage(obj)})
	f.mu.Lock()
	f.lpEvents = append(f.lpEvents, ev)
	f.mu.Unlock()
}

// longPoll answers a_check: the updates after ts, or none after a short
// wait.
func (f *fakeVK) longPoll(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("act") != "a_check" || q.Get("key") != "lp-key" {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"failed":2}`)
		return
	}
	f.mu.Lock()
	reset := f.lpResets > 0
	if reset {
		f.lpResets--
	}
	f.mu.Unlock()
	if reset {
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		_ = conn.Close()
		return
	}
	ts, _ := strconv.Atoi(q.Get("ts"))
	deadline := time.Now().Add(500 * time.Millisecond)
	for {
		f.mu.Lock()
		f.lpPolls++
		n := len(f.lpEvents)
		var updates []json.RawMessage
		if ts < n {
			updates = append(updates, f.lpEvents[ts:]...)
		}
		f.mu.Unlock()
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

func (f *fakeVK) file(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	b, ok := f.files[r.PathValue("name")]
	f.fileHits++
	f.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	_, _ = w.Write(b)
}

func (f *fakeVK) upload(w http.ResponseWriter, r *http.Request) {
	field := map[string]string{"photo": "photo", "doc": "file"}[r.PathValue("kind")]
	file, hdr, err := r.FormFile(field)
	if err != nil {
		http.Error(w, "no file", http.StatusBadRequest)
		return
	}
	b, _ := io.ReadAll(file)
	f.mu.Lock()
	f.uploads = append(f.uploads, field+":"+hdr.Filename+":"+strconv.Itoa(len(b)))
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if field == "photo" {
		_, _ = io.WriteString(w, `{"server":123,"photo":"[{\"photo\":\"abc\"}]","hash":"h4sh"}`)
		return
	}
	_, _ = io.WriteString(w, `{"file":"doc-file-token"}`)
}

// messageNew builds a message_new object as VK sends it.
func messageNew(peer, cmid int, text string, attachments ...any) map[string]any {
	if attachments == nil {
		attachments = []any{}
	}
	return map[string]any{"message": map[string]any{"id": 0, "date": time.Now().Unix(), "peer_id": peer, "from_id": peer,
		"conversation_message_id": cmid, "text": text, "attachments": attachments, "fwd_messages": []any{}, "out": 0},
		"client_info": map[string]any{"button_actions": []string{"text"}, "keyboard": true}}
}

// callback builds a Callback API request body.
func (f *fakeVK) callback(typ, secret string, groupID int, object any) string {
	b, _ := json.Marshal(map[string]any{"type": typ, "group_id": groupID, "event_id": "3f1c2e0aa5", "v": "5.199",
		"secret": secret, "object": object})
	return string(b)
}
