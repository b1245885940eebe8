package telegram_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeTelegram is a Bot API server on loopback that speaks the documented
// protocol: methods are POSTed as multipart forms to /bot<token>/<method>,
// answers are {"ok":true,"result":…} or {"ok":false,"error_code":…,
// "description":…,"parameters":{"retry_after":…}}, files are served from
// /file/bot<token>/<file_path>. Switches inject rate limits, blocked
// users and slow answers.
type fakeTelegram struct {
	*httptest.Server
	token string

	mu            sync.Mutex
	webhookURL    string
	webhookSecret string
	updates       []map[string]any // pending for getUpdates
	nextUpdateID  int64
	files         map[string][]byte // by file_id
	sent          []sentCall
	calls         map[string]int
	newUpdate     chan struct{}

	fail429    int // answer this many sends with 429 first
	retryAfter int
	blocked    map[int64]bool
	delay      time.Duration
	pollError  bool // getUpdates answers 409 Conflict
	// every429 answers every Nth send with 429 retry_after=retryAfter and
	// then refuses sends until the pause ends, as Telegram does; a send
	// arriving well inside a pause is a violation.
	hold       chan struct{} // sends wait until it is closed (a stalled Bot API)
	every429   int
	sendCount  int
	pauseFrom  time.Time
	pauseUntil time.Time
	violations []string
	arrived    chan sentCall
	// jitter delays each send by a random time up to it; refuse answers
	// sends of these texts with 400 (a reply that fails for good).
	jitter time.Duration
	refuse map[string]bool
	// unauthorized counts the calls refused for a wrong token.
	unauthorized int
}

// sentCall is one message the bot sent.
type sentCall struct {
	Method   string
	ChatID   int64
	Text     string
	Entities []map[string]any
	Markup   string // reply_markup as sent
	FileName string
	File     []byte
	At       time.Time
}

func newFakeTelegram(t *testing.T) *fakeTelegram {
	f := &fakeTelegram{token: "123456:TEST-token_abc", nextUpdateID: 500000, files: map[string][]byte{},
		calls: map[string]int{}, blocked: map[int64]bool{}, refuse: map[string]bool{}, newUpdate: make(chan struct{}, 1), arrived: make(chan sentCall, 1000)}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeTelegram) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	fileToken := f.token
	f.mu.Unlock()
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"+fileToken+"/"); ok && r.Method == http.MethodGet {
		f.mu.Lock()
		var data []byte
		for id, b := range f.files {
			if rest == filePath(id) {
				data = b
			}
		}
		f.mu.Unlock()
		if data == nil {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
		return
	}
	tok, method, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	if !ok || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	token := f.token
	f.mu.Unlock()
	if tok != token {
		f.mu.Lock()
		f.unauthorized++
		f.mu.Unlock()
		fail(w, 401, "Unauthorized", 0)
		return
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		// Methods without parameters come as an empty body, which
		// Telegram accepts as an empty form.
		if err := r.ParseMultipartForm(64 << 20); err != nil && !strings.Contains(err.Error(), "EOF") {
			fail(w, 400, "Bad Request: bad form: "+err.Error(), 0)
			return
		}
	} else {
		_ = r.ParseForm()
	}
	f.mu.Lock()
	f.calls[method]++
	f.mu.Unlock()
	switch method {
	case "getMe":
		ok200(w, map[string]any{"id": 123456, "is_bot": true, "first_name": "Профсоюз", "last_name": "бот", "username": "union_test_bot"})
	case "setWebhook":
		f.mu.Lock()
		f.webhookURL, f.webhookSecret = r.FormValue("url"), r.FormValue("secret_token")
		f.mu.Unlock()
		ok200(w, true)
	case "deleteWebhook":
		f.mu.Lock()
		f.webhookURL, f.webhookSecret = "", ""
		f.mu.Unlock()
		ok200(w, true)
	case "getUpdates":
		f.mu.Lock()
		conflict := f.pollError
		f.mu.Unlock()
		if conflict {
			fail(w, 409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running", 0)
			return
		}
		f.getUpdates(w, r)
	case "getFile":
		id := r.FormValue("file_id")
		f.mu.Lock()
		data, ok := f.files[id]
		f.mu.Unlock()
		if !ok {
			fail(w, 400, "Bad Request: invalid file_id", 0)
			return
		}
		ok200(w, map[string]any{"file_id": id, "file_unique_id": "u" + id, "file_size": len(data), "file_path": filePath(id)})
	case "sendMessage", "sendPhoto", "sendDocument", "sendVoice", "sendAudio":
		f.send(w, r, method)
	default:
		fail(w, 404, "Not Found: method not found", 0)
	}
}

func filePath(id string) string { return "files/" + id + ".bin" }

func (f *fakeTelegram) send(w http.ResponseWriter, r *http.Request, method string) {
	arrived := time.Now() // Telegram counts a request when it arrives
	f.mu.Lock()
	delay, hold := f.delay, f.hold
	if f.jitter > 0 {
		delay += time.Duration(rand.Int64N(int64(f.jitter)))
	}
	f.mu.Unlock()
	time.Sleep(delay)
	if hold != nil {
		select {
		case <-hold:
		case <-r.Context().Done():
			return
		}
	}
	chat, err := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
	if err != nil {
		fail(w, 400, "Bad Request: chat_id is empty", 0)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	f.sendCount++
	switch {
	case now.Before(f.pauseUntil):
		// Requests whose turn was taken before the bot read the 429 are
		// still arriving for a moment (a few hundred ms under -race on a
		// loaded machine: 340 ms was seen); later ones break the pause.
		if now.Sub(f.pauseFrom) > 500*time.Millisecond {
			f.violations = append(f.violations, fmt.Sprintf("send %s into a %d s pause", now.Sub(f.pauseFrom), f.retryAfter))
		}
		fail(w, 429, fmt.Sprintf("Too Many Requests: retry after %d", f.retryAfter), f.retryAfter)
		return
	case f.every429 > 0 && f.sendCount%f.every429 == 0:
		f.pauseFrom, f.pauseUntil = now, now.Add(time.Duration(f.retryAfter)*time.Second)
		fail(w, 429, fmt.Sprintf("Too Many Requests: retry after %d", f.retryAfter), f.retryAfter)
		return
	case f.fail429 > 0:
		f.fail429--
		fail(w, 429, fmt.Sprintf("Too Many Requests: retry after %d", f.retryAfter), f.retryAfter)
		return
	case f.blocked[chat]:
		fail(w, 403, "Forbidden: bot was blocked by the user", 0)
		return
	case chat == 404:
		fail(w, 400, "Bad Request: chat not found", 0)
		return
	case f.refuse[r.FormValue("text")]:
		fail(w, 400, "Bad Request: message text is empty", 0)
		return
	}
	c := sentCall{Method: method, ChatID: chat, Text: r.FormValue("text"), Markup: r.FormValue("reply_markup"), At: arrived}
	if e := r.FormValue("entities"); e != "" {
		if err := json.Unmarshal([]byte(e), &c.Entities); err != nil {
			fail(w, 400, "Bad Request: can't parse entities: "+err.Error(), 0)
			return
		}
	}
	for _, field := range []string{"photo", "document", "voice", "audio"} {
		if r.MultipartForm == nil {
			break
		}
		if fh := r.MultipartForm.File[field]; len(fh) > 0 {
			c.FileName = fh[0].Filename
			rd, _ := fh[0].Open()
			c.File, _ = io.ReadAll(rd)
			rd.Close()
		}
	}
	f.sent = append(f.sent, c)
	f.arrived <- c
	ok200(w, map[string]any{"message_id": len(f.sent), "date": time.Now().Unix(),
		"chat": map[string]any{"id": chat, "type": "private"}, "text": c.Text})
}

// getUpdates answers with the pending updates from offset on, waiting up
// to the request's timeout for one to arrive (long polling). Updates
// before offset are confirmed and forgotten, as Telegram does.
func (f *fakeTelegram) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.ParseInt(r.FormValue("offset"), 10, 64)
	timeout, _ := strconv.Atoi(r.FormValue("timeout"))
	deadline := time.After(time.Duration(timeout) * time.Second)
	for {
		f.mu.Lock()
		var keep []map[string]any
		for _, u := range f.updates {
			if u["update_id"].(int64) >= offset {
				keep = append(keep, u)
			}
		}
		f.updates = keep
		f.mu.Unlock()
		if len(keep) > 0 {
			ok200(w, keep)
			return
		}
		select {
		case <-f.newUpdate:
		case <-deadline:
			ok200(w, []any{})
			return
		case <-r.Context().Done():
			return
		}
	}
}

// queue adds an update for getUpdates and returns it.
func (f *fakeTelegram) queue(msg map[string]any) map[string]any {
	f.mu.Lock()
	f.nextUpdateID++
	u := map[string]any{"update_id": f.nextUpdateID, "message": msg}
	f.updates = append(f.updates, u)
	f.mu.Unlock()
	select {
	case f.newUpdate <- struct{}{}:
	default:
	}
	return u
}

func (f *fakeTelegram) update(msg map[string]any) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextUpdateID++
	return map[string]any{"update_id": f.nextUpdateID, "message": msg}
}

func (f *fakeTelegram) addFile(id string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[id] = data
}

func (f *fakeTelegram) sentCalls() []sentCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sentCall(nil), f.sent...)
}

func (f *fakeTelegram) set(fn func(f *fakeTelegram)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func ok200(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func fail(w http.ResponseWriter, code int, desc string, retryAfter int) {
	w.Header().Set("Content-Type", "application/json")
	body := map[string]any{"ok": false, "error_code": code, "description": desc}
	if retryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": retryAfter}
	}
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(body)
}

// textMessage is a private message from a member.
func textMessage(chat int64, id int, text string) map[string]any {
	return map[string]any{"message_id": id, "date": time.Now().Unix(), "text": text,
		"from": map[string]any{"id": chat, "is_bot": false, "first_name": "Марина", "last_name": "Ковалёва"},
		"chat": map[string]any{"id": chat, "type": "private", "first_name": "Марина"}}
}
