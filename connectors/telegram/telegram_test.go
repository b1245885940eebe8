package telegram_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/testkit/tgtest"
)

// env is a hub with a line, its operator, and a fake Telegram.
type env struct {
	n     *hubtest.Node
	tg    *tgtest.Server
	line  inbox.Line
	opTok string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	// The fake first: cleanups run last-in first-out, so the hub (and its
	// pollers) stop before the fake closes.
	tg := tgtest.New(t)
	n := hubtest.Start(t)
	// The webhook address Telegram is told to call: the test server.
	n.Config.BaseURL = n.Server.URL
	e := &env{n: n, tg: tg}
	op := n.AddUser(t, "op1", access.Operator, n.Root.ID, "password-1")
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Телеграм", n.Root.ID, inbox.Manual
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	var err error
	if e.line, err = n.Inbox.Lines.Create(context.Background(), n.System, l); err != nil {
		t.Fatal(err)
	}
	if e.opTok, _, err = n.Auth.CreateToken(context.Background(), n.System, op.ID, "test", 0); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) channel(t *testing.T, mode string) inbox.Channel {
	t.Helper()
	ch, _, err := e.n.Inbox.Channels.Create(context.Background(), e.n.System, inbox.NewChannel{LineID: e.line.ID, Kind: inbox.KindTelegram,
		Name: "Бот", Settings: map[string]string{"mode": mode, "api_url": e.tg.URL}, Secrets: map[string]string{"bot_token": e.tg.Token}})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// hook posts an update to the channel's webhook as Telegram would.
func (e *env) hook(t *testing.T, ch inbox.Channel, secret string, update any) int {
	t.Helper()
	b, _ := json.Marshal(update)
	req, _ := http.NewRequest("POST", e.n.Server.URL+"/hooks/telegram/"+ch.ID, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (e *env) call(t *testing.T, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.n.Server.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+e.opTok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// inbound lists the messages members sent through ch.
func (e *env) inbound(t *testing.T, ch inbox.Channel) []inbox.Message {
	t.Helper()
	rows, err := e.n.DB.Query(`SELECT conversation_id FROM inbox_messages WHERE channel_id = $1 AND direction = 'in' ORDER BY created_at`, ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	var convs []string
	for rows.Next() {
		var id string
		_ = rows.Scan(&id)
		convs = append(convs, id)
	}
	rows.Close()
	var out []inbox.Message
	seen := map[string]bool{}
	for _, c := range convs {
		if seen[c] {
			continue
		}
		seen[c] = true
		for _, m := range e.messages(t, c) {
			if m.Direction == inbox.DirIn {
				out = append(out, m)
			}
		}
	}
	return out
}

func (e *env) messages(t *testing.T, conv string) []inbox.Message {
	t.Helper()
	code, body := e.call(t, "GET", "/api/v1/inbox/conversations/"+conv+"/messages", nil)
	if code != 200 {
		t.Fatalf("messages: %d %s", code, body)
	}
	var res struct{ Messages []inbox.Message }
	_ = json.Unmarshal(body, &res)
	return res.Messages
}

func (e *env) reply(t *testing.T, conv, text string) inbox.Message {
	t.Helper()
	code, body := e.call(t, "POST", "/api/v1/inbox/conversations/"+conv+"/messages", inbox.ReplyInput{Text: text})
	if code != http.StatusCreated {
		t.Fatalf("reply: %d %s", code, body)
	}
	var m inbox.Message
	_ = json.Unmarshal(body, &m)
	return m
}

// waitStatus waits until an outbound message reaches status.
func (e *env) waitStatus(t *testing.T, conv, id, status string, within time.Duration) inbox.Message {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		for _, m := range e.messages(t, conv) {
			if m.ID == id && m.Status == status {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %s not %s within %s: %+v", id, status, within, e.messages(t, conv))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (e *env) waitSent(t *testing.T, within time.Duration) tgtest.Sent {
	t.Helper()
	select {
	case c := <-e.tg.Arrived:
		return c
	case <-time.After(within):
		t.Fatalf("nothing sent to Telegram within %s", within)
	}
	return tgtest.Sent{}
}

func TestSetupChecksTokenAndRegistersWebhook(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(t, "webhook")
	if ch.Settings["bot_username"] != "union_test_bot" || ch.Settings["bot_name"] != "Профсоюз бот" || ch.RatePerS != 25 {
		t.Fatalf("channel after setup: %+v rate %d", ch.Settings, ch.RatePerS)
	}
	e.tg.Set(func(f *tgtest.Server) {
		if f.WebhookURL != e.n.Server.URL+"/hooks/telegram/"+ch.ID || len(f.WebhookSecret) < 32 {
			t.Errorf("webhook registered as %q with secret %q", f.WebhookURL, f.WebhookSecret)
		}
	})
	_, _, err := e.n.Inbox.Channels.Create(context.Background(), e.n.System, inbox.NewChannel{LineID: e.line.ID, Kind: inbox.KindTelegram,
		Name: "Чужой", Settings: map[string]string{"api_url": e.tg.URL}, Secrets: map[string]string{"bot_token": "999:wrong"}})
	if err == nil || !strings.Contains(err.Error(), "does not accept this bot token") {
		t.Fatalf("a bad token was accepted: %v", err)
	}
	// Switching to polling removes the webhook.
	if _, err := e.n.Inbox.Channels.Update(context.Background(), e.n.System, ch.ID, inbox.ChannelChanges{Settings: map[string]string{"mode": "polling"}}); err != nil {
		t.Fatal(err)
	}
	e.tg.Set(func(f *tgtest.Server) {
		if f.WebhookURL != "" {
			t.Errorf("webhook still set after switching to polling")
		}
	})
}

// (a) a member writes, the operator answers, Telegram gets exactly one
// sendMessage to the member's chat.
func TestWebhookRoundTrip(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(t, "webhook")
	secret := e.tg.WebhookSecret
	if code := e.hook(t, ch, secret, e.tg.Update(tgtest.TextMessage(777001, 1, "Здравствуйте! Вопрос по отпуску."))); code != 200 {
		t.Fatalf("webhook = %d", code)
	}
	in := e.inbound(t, ch)
	if len(in) != 1 || in[0].Text != "Здравствуйте! Вопрос по отпуску." {
		t.Fatalf("inbound = %+v", in)
	}
	conv := in[0].ConversationID
	code, body := e.call(t, "GET", "/api/v1/inbox/conversations/"+conv, nil)
	var c inbox.Conversation
	_ = json.Unmarshal(body, &c)
	if code != 200 || c.ExternalChatID != "777001" || c.ContactName != "Марина Ковалёва" || c.LineID != e.line.ID {
		t.Fatalf("conversation = %d %+v", code, c)
	}
	r := e.reply(t, conv, "Добрый день! Отпуск — 28 дней.")
	got := e.waitSent(t, 10*time.Second)
	if got.Method != "sendMessage" || got.ChatID != 777001 || got.Text != "Добрый день! Отпуск — 28 дней." {
		t.Fatalf("sent %+v", got)
	}
	e.waitStatus(t, conv, r.ID, inbox.DeliverySent, 5*time.Second)
	time.Sleep(1500 * time.Millisecond)
	if n := len(e.tg.SentCalls()); n != 1 {
		t.Fatalf("%d sends for one reply", n)
	}
	st, err := e.n.Inbox.Channels.Status(context.Background(), e.n.System, ch.ID)
	if err != nil || st.LastUpdateAt == 0 || !strings.Contains(st.Info, "@union_test_bot") {
		t.Fatalf("status = %+v %v", st, err)
	}
}

// (b) forged webhooks are refused before anything is stored.
func TestWebhookRefusesWrongSecret(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(t, "webhook")
	upd := e.tg.Update(tgtest.TextMessage(777002, 1, "подделка"))
	for _, secret := range []string{"", "wrong", e.tg.WebhookSecret + "x"} {
		if code := e.hook(t, ch, secret, upd); code != http.StatusForbidden {
			t.Errorf("secret %q: %d, want 403", secret, code)
		}
	}
	var n int
	_ = e.n.DB.QueryRow(`SELECT COUNT(*) FROM inbox_messages`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d messages stored from forged webhooks", n)
	}
}

// (c) the same update delivered five times at once is one message.
func TestWebhookReplayIsOneMessage(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(t, "webhook")
	upd := e.tg.Update(tgtest.TextMessage(777003, 42, "раз"))
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code := e.hook(t, ch, e.tg.WebhookSecret, upd); code != 200 {
				t.Errorf("webhook = %d", code)
			}
		}()
	}
	wg.Wait()
	if in := e.inbound(t, ch); len(in) != 1 {
		t.Fatalf("%d messages from one update", len(in))
	}
	// An edit is a new entry, marked as edited.
	edit := tgtest.TextMessage(777003, 42, "раз, два")
	edit["edit_date"] = time.Now().Unix() + 5
	if code := e.hook(t, ch, e.tg.WebhookSecret, map[string]any{"update_id": 9, "edited_message": edit}); code != 200 {
		t.Fatalf("edit = %d", code)
	}
	in := e.inbound(t, ch)
	if len(in) != 2 || !strings.Contains(in[1].Text, "(edited)") || !strings.Contains(in[1].Text, "раз, два") {
		t.Fatalf("after edit: %+v", in)
	}
}

// (d) a photo arrives with its largest size stored in the blob store.
func TestWebhookPhotoIsStored(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(t, "webhook")
	small, big := []byte("\xff\xd8\xff small jpeg"), append([]byte("\xff\xd8\xff"), bytes.Repeat([]byte("big"), 3000)...)
	e.tg.AddFile("ph-small", small)
	e.tg.AddFile("ph-big", big)
	msg := tgtest.TextMessage(777004, 7, "")
	delete(msg, "text")
	msg["caption"] = "Справка с работы"
	msg["photo"] = []map[string]any{
		{"file_id": "ph-small", "file_unique_id": "s", "width": 90, "height": 60, "file_size": len(small)},
		{"file_id": "ph-big", "file_unique_id": "b", "width": 1280, "height": 960, "file_size": len(big)},
	}
	if code := e.hook(t, ch, e.tg.WebhookSecret, e.tg.Update(msg)); code != 200 {
		t.Fatalf("webhook = %d", code)
	}
	in := e.inbound(t, ch)
	if len(in) != 1 || in[0].Text != "Справка с работы" || len(in[0].Attachments) != 1 {
		t.Fatalf("inbound = %+v", in)
	}
	a := in[0].Attachments[0]
	if a.ContentType != "image/jpeg" || a.Size != int64(len(big)) {
		t.Fatalf("attachment = %+v", a)
	}
	f, err := e.n.Blobs.Open(context.Background(), a.BlobKey)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, _ := io.ReadAll(f); !bytes.Equal(got, big) {
		t.Fatalf("stored %d bytes, want the largest photo", len(got))
	}
	// A file over the download limit arrives as a note, not an error.
	doc := tgtest.TextMessage(777004, 8, "")
	delete(doc, "text")
	doc["document"] = map[string]any{"file_id": "huge", "file_unique_id": "h", "file_name": "скан.pdf", "file_size": 30 << 20}
	if code := e.hook(t, ch, e.tg.WebhookSecret, e.tg.Update(doc)); code != 200 {
		t.Fatalf("webhook = %d", code)
	}
	in = e.inbound(t, ch)
	if len(in) != 2 || !strings.Contains(in[1].Text, "20 MB") || !strings.Contains(in[1].Text, "скан.pdf") {
		t.Fatalf("too-large document = %+v", in)
	}
}

// (e) long polling picks up a channel created after the start and
// receives its updates.
func TestLongPolling(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(t, "polling")
	e.tg.Queue(tgtest.TextMessage(777005, 1, "первое"))
	e.tg.Queue(tgtest.TextMessage(777005, 2, "второе"))
	deadline := time.Now().Add(15 * time.Second)
	for len(e.inbound(t, ch)) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("polled messages: %+v", e.inbound(t, ch))
		}
		time.Sleep(100 * time.Millisecond)
	}
	in := e.inbound(t, ch)
	if in[0].Text != "первое" || in[1].Text != "второе" {
		t.Fatalf("order: %+v", in)
	}
	// One arriving while the poll waits.
	e.tg.Queue(tgtest.TextMessage(777005, 3, "третье"))
	for len(e.inbound(t, ch)) < 3 {
		if time.Now().After(deadline) {
			t.Fatal("third update not polled")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// (f) a 429 is waited out before the next attempt, and a blocked bot
// fails the reply with a reason the operator understands.
func TestRateLimitAndBlocked(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(t, "webhook")
	e.hook(t, ch, e.tg.WebhookSecret, e.tg.Update(tgtest.TextMessage(777006, 1, "вопрос")))
	conv := e.inbound(t, ch)[0].ConversationID
	e.tg.Set(func(f *tgtest.Server) { f.Fail429, f.RetryAfter = 1, 3 })
	start := time.Now()
	r := e.reply(t, conv, "ответ")
	got := e.waitSent(t, 15*time.Second)
	if wait := got.At.Sub(start); wait < 3*time.Second {
		t.Fatalf("sent %s after a 429 asking for 3 s", wait)
	}
	e.waitStatus(t, conv, r.ID, inbox.DeliverySent, 5*time.Second)

	e.tg.Set(func(f *tgtest.Server) { f.Blocked[777006] = true })
	r = e.reply(t, conv, "ещё ответ")
	m := e.waitStatus(t, conv, r.ID, inbox.DeliveryFailed, 10*time.Second)
	if m.StatusReason != "the member blocked the bot" {
		t.Fatalf("reason = %q", m.StatusReason)
	}
}

// (g) a text over Telegram's limit goes as several messages, in order.
func TestLongTextIsSplit(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(t, "webhook")
	e.hook(t, ch, e.tg.WebhookSecret, e.tg.Update(tgtest.TextMessage(777007, 1, "вопрос")))
	conv := e.inbound(t, ch)[0].ConversationID
	para := strings.Repeat("Пункт устава. ", 200) // 2800 characters
	text := para + "\n\n" + para + "\n\n" + para
	r := e.reply(t, conv, text)
	e.waitStatus(t, conv, r.ID, inbox.DeliverySent, 15*time.Second)
	sent := e.tg.SentCalls()
	if len(sent) != 3 {
		t.Fatalf("%d messages for a text of %d characters", len(sent), len([]rune(text)))
	}
	var joined []string
	for i, s := range sent {
		if len([]rune(s.Text)) > 4096 || s.ChatID != 777007 {
			t.Fatalf("part %d: %d characters to chat %d", i, len([]rune(s.Text)), s.ChatID)
		}
		if i > 0 && s.At.Sub(sent[i-1].At) < 900*time.Millisecond {
			t.Errorf("parts %d and %d sent %s apart: more than one message a second in a chat", i-1, i, s.At.Sub(sent[i-1].At))
		}
		joined = append(joined, s.Text)
	}
	if strings.Join(strings.Fields(strings.Join(joined, " ")), " ") != strings.Join(strings.Fields(text), " ") {
		t.Fatalf("parts do not add up to the text")
	}
}

func (e *env) upload(t *testing.T, conv, name string, data []byte) inbox.Attachment {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", e.n.Server.URL+"/api/v1/inbox/uploads/"+conv, &buf)
	req.Header.Set("Authorization", "Bearer "+e.opTok)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	var a inbox.Attachment
	_ = json.Unmarshal(body, &a)
	return a
}

// Replies with files: an image goes as a photo, a PDF as a document,
// after the text; a chat Telegram does not know fails for good.
func TestRepliesWithFiles(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(t, "webhook")
	e.hook(t, ch, e.tg.WebhookSecret, e.tg.Update(tgtest.TextMessage(777008, 1, "пришлите бланк")))
	conv := e.inbound(t, ch)[0].ConversationID
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 100)...)
	pdf := []byte("%PDF-1.4 заявление")
	img, doc := e.upload(t, conv, "схема.png", png), e.upload(t, conv, "заявление.pdf", pdf)
	code, body := e.call(t, "POST", "/api/v1/inbox/conversations/"+conv+"/messages",
		inbox.ReplyInput{Text: "Бланк и схема", Attachments: []inbox.Attachment{{BlobKey: img.BlobKey}, {BlobKey: doc.BlobKey}}})
	if code != http.StatusCreated {
		t.Fatalf("reply: %d %s", code, body)
	}
	var r inbox.Message
	_ = json.Unmarshal(body, &r)
	e.waitStatus(t, conv, r.ID, inbox.DeliverySent, 15*time.Second)
	sent := e.tg.SentCalls()
	if len(sent) != 3 || sent[0].Method != "sendMessage" || sent[1].Method != "sendPhoto" || sent[2].Method != "sendDocument" {
		t.Fatalf("sent %+v", sent)
	}
	if !bytes.Equal(sent[1].File, png) || sent[1].FileName != "схема.png" || !bytes.Equal(sent[2].File, pdf) || sent[2].FileName != "заявление.pdf" {
		t.Fatalf("files sent: %q %q", sent[1].FileName, sent[2].FileName)
	}

	// A conversation whose chat Telegram does not know.
	e.hook(t, ch, e.tg.WebhookSecret, e.tg.Update(tgtest.TextMessage(404, 1, "привет")))
	var lost string
	for _, m := range e.inbound(t, ch) {
		if m.ConversationID != conv {
			lost = m.ConversationID
		}
	}
	r = e.reply(t, lost, "ответ")
	m := e.waitStatus(t, lost, r.ID, inbox.DeliveryFailed, 10*time.Second)
	if !strings.Contains(m.StatusReason, "chat not found") || m.Attempts != 1 {
		t.Fatalf("failed with %q after %d attempts", m.StatusReason, m.Attempts)
	}
}

// Polling errors show in the channel's status.
func TestPollingErrorIsReported(t *testing.T) {
	e := newEnv(t)
	e.tg.Set(func(f *tgtest.Server) { f.PollError = true })
	ch := e.channel(t, "polling")
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, err := e.n.Inbox.Channels.Status(context.Background(), e.n.System, ch.ID)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(st.LastError, "Conflict") {
			if strings.Contains(st.LastError, e.tg.Token) {
				t.Fatalf("the token leaked into the status: %s", st.LastError)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status = %+v", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Once Telegram answers again, messages flow.
	e.tg.Set(func(f *tgtest.Server) { f.PollError = false })
	e.tg.Queue(tgtest.TextMessage(777009, 1, "снова работает"))
	for len(e.inbound(t, ch)) == 0 {
		if time.Now().After(deadline.Add(10 * time.Second)) {
			t.Fatal("no message after the error cleared")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
