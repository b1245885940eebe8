// Package tgtest is a Telegram Bot API server on loopback for tests: it
// speaks the documented protocol as github.com/go-telegram/bot (the hub's
// client) uses it, so tests drive the product's own client against it.
// Switches inject rate limits, blocked users, slow and lost answers.
// Tests only.
package tgtest

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

// Server is a Bot API server on loopback that speaks the documented
// protocol: methods are POSTed as multipart forms to /bot<token>/<method>,
// answers are {"ok":true,"result":…} or {"ok":false,"error_code":…,
// "description":…,"parameters":{"retry_after":…}}, files are served from
// /file/bot<token>/<file_path>. Its exported fields are switches and
// records: change or read them under Mu (or with Set).
type Server struct {
	*httptest.Server

	Mu    sync.Mutex
	Token string
	Bot   Bot // what getMe answers

	WebhookURL    string
	WebhookSecret string           // secret_token of the last setWebhook
	updates       []map[string]any // pending for getUpdates
	nextUpdateID  int64
	files         map[string][]byte // by file_id
	sent          []Sent
	calls         map[string]int // by method, with the right token
	requests      map[string]int // by method, with any token
	newUpdate     chan struct{}

	// Fail429 answers this many sends with 429 retry_after=RetryAfter;
	// Every429 answers every Nth send so. Either starts a pause of
	// RetryAfter seconds, as Telegram does, in which sends are refused
	// with 429 too; a send arriving in it more than PauseGrace after it
	// began is a violation (requests whose turn was taken before the bot
	// read the 429 may still arrive for a moment).
	Fail429    int
	Every429   int
	RetryAfter int
	PauseGrace time.Duration
	pauseFrom  time.Time
	pauseUntil time.Time
	Violations []string
	SendCount  int

	Blocked map[int64]bool // chats that blocked the bot: sends answer 403
	// NotStarted are members who never started the bot: a private send
	// to them answers 403, as Telegram does.
	NotStarted map[int64]bool
	Delay      time.Duration // each send waits this long
	Hold       chan struct{} // sends wait until it is closed (a stalled Bot API)
	PollError  bool          // getUpdates answers 409 Conflict
	// Jitter delays each send by a random time up to it; Refuse answers
	// sends of these texts with 400 (a reply that fails for good).
	Jitter time.Duration
	Refuse map[string]bool
	// Arrived gets each message sent; Unauthorized counts the calls
	// refused for a wrong token.
	Arrived      chan Sent
	Unauthorized int
	// Answers are the callback queries answered; Edits the messages whose
	// inline buttons were changed (editMessageReplyMarkup).
	Answers []CallbackAnswer
	Edits   []Edit
	// Commands is the command menu of the last setMyCommands (JSON).
	Commands string
}

// CallbackAnswer is one answerCallbackQuery.
type CallbackAnswer struct{ ID, Text string }

// Edit is one editMessageReplyMarkup.
type Edit struct {
	ChatID    int64
	MessageID int
	Markup    string
}

// Bot is the bot's own user, as getMe describes it.
type Bot struct {
	ID                            int64
	FirstName, LastName, Username string
}

// Sent is one message the bot sent.
type Sent struct {
	Method    string
	ChatID    int64
	Text      string
	Caption   string // a photo's or file's
	Entities  []map[string]any
	Markup    string // reply_markup as sent
	ParseMode string
	FileName  string
	File      []byte
	At        time.Time
	// MessageID is the id the server gave the message: the messages
	// sent are numbered from 1.
	MessageID int
	// ReplyTo is reply_parameters' message_id: the message answered.
	ReplyTo int
}

// DefaultToken is the token New's server accepts.
const DefaultToken = "123456:TEST-token_abc"

// New starts a server for the bot with DefaultToken, closed when the test
// ends.
func New(t testing.TB) *Server {
	f := &Server{Token: DefaultToken, Bot: Bot{ID: 123456, FirstName: "Профсоюз", LastName: "бот", Username: "union_test_bot"},
		nextUpdateID: 500000, files: map[string][]byte{}, calls: map[string]int{}, requests: map[string]int{},
		Blocked: map[int64]bool{}, Refuse: map[string]bool{}, PauseGrace: 500 * time.Millisecond,
		newUpdate: make(chan struct{}, 1), Arrived: make(chan Sent, 1000)}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	f.Mu.Lock()
	fileToken := f.Token
	f.Mu.Unlock()
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"+fileToken+"/"); ok && r.Method == http.MethodGet {
		f.Mu.Lock()
		var data []byte
		for id, b := range f.files {
			if rest == filePath(id) {
				data = b
			}
		}
		f.Mu.Unlock()
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
	f.Mu.Lock()
	token := f.Token
	f.requests[method]++
	f.Mu.Unlock()
	if tok != token {
		f.Mu.Lock()
		f.Unauthorized++
		f.Mu.Unlock()
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
	f.Mu.Lock()
	f.calls[method]++
	f.Mu.Unlock()
	switch method {
	case "getMe":
		f.Mu.Lock()
		b := f.Bot
		f.Mu.Unlock()
		ok200(w, map[string]any{"id": b.ID, "is_bot": true, "first_name": b.FirstName, "last_name": b.LastName, "username": b.Username})
	case "setWebhook":
		f.Mu.Lock()
		f.WebhookURL, f.WebhookSecret = r.FormValue("url"), r.FormValue("secret_token")
		f.Mu.Unlock()
		ok200(w, true)
	case "deleteWebhook":
		f.Mu.Lock()
		f.WebhookURL, f.WebhookSecret = "", ""
		f.Mu.Unlock()
		ok200(w, true)
	case "getUpdates":
		f.Mu.Lock()
		conflict := f.PollError
		f.Mu.Unlock()
		if conflict {
			fail(w, 409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running", 0)
			return
		}
		f.getUpdates(w, r)
	case "getFile":
		id := r.FormValue("file_id")
		f.Mu.Lock()
		data, ok := f.files[id]
		f.Mu.Unlock()
		if !ok {
			fail(w, 400, "Bad Request: invalid file_id", 0)
			return
		}
		ok200(w, map[string]any{"file_id": id, "file_unique_id": "u" + id, "file_size": len(data), "file_path": filePath(id)})
	case "sendMessage", "sendPhoto", "sendDocument", "sendVoice", "sendAudio":
		f.send(w, r, method)
	case "setMyCommands":
		f.Mu.Lock()
		f.Commands = r.FormValue("commands")
		f.Mu.Unlock()
		ok200(w, true)
	case "answerCallbackQuery":
		f.Mu.Lock()
		f.Answers = append(f.Answers, CallbackAnswer{ID: r.FormValue("callback_query_id"), Text: r.FormValue("text")})
		f.Mu.Unlock()
		ok200(w, true)
	case "editMessageReplyMarkup":
		chat, _ := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
		id, _ := strconv.Atoi(r.FormValue("message_id"))
		f.Mu.Lock()
		f.Edits = append(f.Edits, Edit{ChatID: chat, MessageID: id, Markup: r.FormValue("reply_markup")})
		f.Mu.Unlock()
		ok200(w, map[string]any{"message_id": id, "date": time.Now().Unix(), "chat": map[string]any{"id": chat, "type": "private"}})
	default:
		fail(w, 404, "Not Found: method not found", 0)
	}
}

func filePath(id string) string { return "files/" + id + ".bin" }

func (f *Server) send(w http.ResponseWriter, r *http.Request, method string) {
	arrived := time.Now() // Telegram counts a request when it arrives
	f.Mu.Lock()
	delay, hold := f.Delay, f.Hold
	if f.Jitter > 0 {
		delay += time.Duration(rand.Int64N(int64(f.Jitter)))
	}
	f.Mu.Unlock()
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
	f.Mu.Lock()
	defer f.Mu.Unlock()
	now := time.Now()
	f.SendCount++
	switch {
	case now.Before(f.pauseUntil):
		// Requests whose turn was taken before the bot read the 429 are
		// still arriving for a moment (a few hundred ms under -race on a
		// loaded machine: 340 ms was seen); later ones break the pause.
		if now.Sub(f.pauseFrom) > f.PauseGrace {
			f.Violations = append(f.Violations, fmt.Sprintf("send %s into a %d s pause", now.Sub(f.pauseFrom), f.RetryAfter))
		}
		fail(w, 429, fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter), f.RetryAfter)
		return
	case f.Every429 > 0 && f.SendCount%f.Every429 == 0:
		f.pauseFrom, f.pauseUntil = now, now.Add(time.Duration(f.RetryAfter)*time.Second)
		fail(w, 429, fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter), f.RetryAfter)
		return
	case f.Fail429 > 0:
		f.Fail429--
		f.pauseFrom, f.pauseUntil = now, now.Add(time.Duration(f.RetryAfter)*time.Second)
		fail(w, 429, fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter), f.RetryAfter)
		return
	case f.Blocked[chat]:
		fail(w, 403, "Forbidden: bot was blocked by the user", 0)
		return
	case f.NotStarted[chat]:
		fail(w, 403, "Forbidden: bot can't initiate conversation with a user", 0)
		return
	case chat == 404:
		fail(w, 400, "Bad Request: chat not found", 0)
		return
	case f.Refuse[r.FormValue("text")]:
		fail(w, 400, "Bad Request: message text is empty", 0)
		return
	}
	c := Sent{Method: method, ChatID: chat, Text: r.FormValue("text"), Caption: r.FormValue("caption"), Markup: r.FormValue("reply_markup"), ParseMode: r.FormValue("parse_mode"),
		At: arrived, MessageID: len(f.sent) + 1}
	if rp := r.FormValue("reply_parameters"); rp != "" {
		var p struct {
			MessageID int `json:"message_id"`
		}
		if err := json.Unmarshal([]byte(rp), &p); err != nil {
			fail(w, 400, "Bad Request: can't parse reply parameters", 0)
			return
		}
		c.ReplyTo = p.MessageID
	}
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
	f.Arrived <- c
	ok200(w, map[string]any{"message_id": c.MessageID, "date": time.Now().Unix(),
		"chat": map[string]any{"id": chat, "type": "private"}, "text": c.Text})
}

// getUpdates answers with the pending updates from offset on, waiting up
// to the request's timeout for one to arrive (long polling). Updates
// before offset are confirmed and forgotten, as Telegram does.
func (f *Server) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.ParseInt(r.FormValue("offset"), 10, 64)
	timeout, _ := strconv.Atoi(r.FormValue("timeout"))
	deadline := time.After(time.Duration(timeout) * time.Second)
	for {
		f.Mu.Lock()
		var keep []map[string]any
		for _, u := range f.updates {
			if u["update_id"].(int64) >= offset {
				keep = append(keep, u)
			}
		}
		f.updates = keep
		f.Mu.Unlock()
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

// Queue adds an update for getUpdates and returns it.
func (f *Server) Queue(msg map[string]any) map[string]any {
	f.Mu.Lock()
	f.nextUpdateID++
	u := map[string]any{"update_id": f.nextUpdateID, "message": msg}
	f.updates = append(f.updates, u)
	f.Mu.Unlock()
	select {
	case f.newUpdate <- struct{}{}:
	default:
	}
	return u
}

func (f *Server) Update(msg map[string]any) map[string]any {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.nextUpdateID++
	return map[string]any{"update_id": f.nextUpdateID, "message": msg}
}

func (f *Server) AddFile(id string, data []byte) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.files[id] = data
}

func (f *Server) SentCalls() []Sent {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	return append([]Sent(nil), f.sent...)
}

func (f *Server) Set(fn func(f *Server)) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	fn(f)
}

// Calls counts the calls of method made with the right token; Requests
// counts them with any token.
func (f *Server) Calls(method string) int {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	return f.calls[method]
}

func (f *Server) Requests(method string) int {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	return f.requests[method]
}

// Refused counts the calls refused for a wrong token.
func (f *Server) Refused() int {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	return f.Unauthorized
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

// Callback is the update of a pressed inline button: user from pressed
// the button with data under the bot's message msgID in their private
// chat (Telegram numbers callback queries; the test names them by id).
func (f *Server) Callback(id string, from int64, msgID int, data string) map[string]any {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.nextUpdateID++
	return map[string]any{"update_id": f.nextUpdateID, "callback_query": map[string]any{
		"id": id, "chat_instance": "ci" + strconv.FormatInt(from, 10), "data": data,
		"from": map[string]any{"id": from, "is_bot": false, "first_name": "Ирина"},
		"message": map[string]any{"message_id": msgID, "date": time.Now().Unix(), "text": "…",
			"chat": map[string]any{"id": from, "type": "private"}}}}
}

// CallbackAnswers returns the answered callback queries.
func (f *Server) CallbackAnswers() []CallbackAnswer {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	return append([]CallbackAnswer(nil), f.Answers...)
}

// TextMessage is a private message from a member.
func TextMessage(chat int64, id int, text string) map[string]any {
	return map[string]any{"message_id": id, "date": time.Now().Unix(), "text": text,
		"from": map[string]any{"id": chat, "is_bot": false, "first_name": "Марина", "last_name": "Ковалёва"},
		"chat": map[string]any{"id": chat, "type": "private", "first_name": "Марина"}}
}

// ChannelPost is the automatic forward of the channel's post into its
// discussion group, whose replies are the post's comments.
func ChannelPost(group int64, id int, channel int64, channelUser string, postID int, text string) map[string]any {
	return map[string]any{"message_id": id, "date": time.Now().Unix(), "text": text, "is_automatic_forward": true,
		"from":        map[string]any{"id": 777000, "is_bot": false, "first_name": "Telegram"},
		"sender_chat": map[string]any{"id": channel, "type": "channel", "title": "Профсоюз", "username": channelUser},
		"chat":        map[string]any{"id": group, "type": "supergroup", "title": "Профсоюз — обсуждение"},
		"forward_origin": map[string]any{"type": "channel", "date": time.Now().Unix(), "message_id": postID,
			"chat": map[string]any{"id": channel, "type": "channel", "title": "Профсоюз", "username": channelUser}}}
}

// Comment is a member's comment in the discussion group: a reply to the
// post's forward (reply, when it answers the post itself) in its thread.
func Comment(group int64, id, thread int, reply map[string]any, from int64, text string) map[string]any {
	m := map[string]any{"message_id": id, "date": time.Now().Unix(), "text": text, "message_thread_id": thread,
		"from": map[string]any{"id": from, "is_bot": false, "first_name": "Олег", "last_name": "Смирнов"},
		"chat": map[string]any{"id": group, "type": "supergroup", "title": "Профсоюз — обсуждение"}}
	if reply != nil {
		m["reply_to_message"] = reply
	}
	return m
}
