package vk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/connectors/vk"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/testkit/vktest"
	"github.com/profhub/profhub/org"
)

const callbackSecret = "cb-secret-7Hq2"

// fixture is a hub with a line, one operator and a VK channel pointed at
// the fake VK.
type fixture struct {
	n       *hubtest.Node
	vk      *vktest.Server
	line    inbox.Line
	ch      inbox.Channel
	op      org.User
	opToken string
}

func newFixture(t *testing.T, mode string) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{n: hubtest.Start(t), vk: vktest.New(t)}
	f.op = f.n.AddUser(t, "op1", access.Operator, f.n.Root.ID, "password-1")
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "ВКонтакте", f.n.Root.ID, inbox.Manual
	l.Operators = []inbox.LineOperator{{UserID: f.op.ID}}
	var err error
	if f.line, err = f.n.Inbox.Lines.Create(ctx, f.n.System, l); err != nil {
		t.Fatal(err)
	}
	f.ch, _, err = f.n.Inbox.Channels.Create(ctx, f.n.System, inbox.NewChannel{LineID: f.line.ID, Kind: inbox.KindVK, Name: "Сообщество",
		Settings: map[string]string{"mode": mode, "confirmation": "a1b2c3d4", "api_url": f.vk.APIURL()},
		Secrets:  map[string]string{"access_token": vktest.DefaultToken, "secret": callbackSecret}})
	if err != nil {
		t.Fatal(err)
	}
	if f.opToken, _, err = f.n.Auth.CreateToken(ctx, f.n.System, f.op.ID, "test", 0); err != nil {
		t.Fatal(err)
	}
	return f
}

// post sends a Callback API request as VK would.
func (f *fixture) post(t *testing.T, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(f.n.Server.URL+"/hooks/vk/"+f.ch.ID, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (f *fixture) conversations(t *testing.T) []inbox.Conversation {
	t.Helper()
	cs, err := f.n.Inbox.Conversations.List(context.Background(), f.n.System, inbox.ConversationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func (f *fixture) messages(t *testing.T, convID string) []inbox.Message {
	t.Helper()
	ms, err := f.n.Inbox.Conversations.Messages(context.Background(), f.n.System, convID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// reply answers a conversation through the inbox's HTTP API as the
// operator.
func (f *fixture) reply(t *testing.T, convID string, body any) inbox.Message {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", f.n.Server.URL+"/api/v1/inbox/conversations/"+convID+"/messages", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+f.opToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("reply: %d %s", resp.StatusCode, out)
	}
	var m inbox.Message
	_ = json.Unmarshal(out, &m)
	return m
}

// waitMessage waits until message id of conv satisfies ok.
func (f *fixture) waitMessage(t *testing.T, convID, id string, ok func(inbox.Message) bool) inbox.Message {
	t.Helper()
	var last inbox.Message
	waitFor(t, 20*time.Second, "message "+id, func() bool {
		for _, m := range f.messages(t, convID) {
			if m.ID == id {
				last = m
				return ok(m)
			}
		}
		return false
	})
	return last
}

func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// The story of the issue: a member writes to the community, the message
// becomes a conversation, the operator answers from the inbox, and VK
// gets exactly one message for the member, with one random_id across an
// injected "too many requests" and a retry.
func TestMemberWritesOperatorAnswers(t *testing.T) {
	f := newFixture(t, "callback")
	if code, body := f.post(t, vktest.Callback("message_new", callbackSecret, f.vk.GroupID, vktest.MessageNew(5101, 17, "Здравствуйте! Как оформить материальную помощь?"))); code != 200 || body != "ok" {
		t.Fatalf("callback: %d %q", code, body)
	}
	cs := f.conversations(t)
	if len(cs) != 1 {
		t.Fatalf("%d conversations, want 1", len(cs))
	}
	c := cs[0]
	if c.ChannelKind != "vk" || c.ExternalChatID != "5101" || c.ContactName != "Марина Ковалёва-5101" {
		t.Fatalf("conversation %+v", c)
	}
	ms := f.messages(t, c.ID)
	if len(ms) != 1 || ms[0].ExternalID != "msg:5101:17" || !strings.Contains(ms[0].Text, "материальную помощь") {
		t.Fatalf("messages %+v", ms)
	}

	f.vk.Mu.Lock()
	f.vk.SendErrs = []int{6}
	f.vk.Mu.Unlock()
	m := f.reply(t, c.ID, map[string]any{"text": "Добрый день! Нужно заявление и справка о доходах."})
	got := f.waitMessage(t, c.ID, m.ID, func(m inbox.Message) bool { return m.Status == inbox.DeliverySent })
	sends, delivered := f.vk.Snapshot()
	if len(sends) != 2 {
		t.Fatalf("messages.send reached VK %d times, want 2 (error 6, then the retry): %+v", len(sends), sends)
	}
	if sends[0].RandomID != sends[1].RandomID || sends[0].RandomID != vk.RandomID(m.ID, 0) || sends[0].RandomID == 0 {
		t.Fatalf("random_id not stable across the retry: %+v", sends)
	}
	if len(delivered) != 1 {
		t.Fatalf("the member got %d messages, want 1", len(delivered))
	}
	d := delivered[sends[0].RandomID]
	if d.PeerID != 5101 || !strings.Contains(d.Text, "справка о доходах") {
		t.Fatalf("delivered %+v", d)
	}
	if got.Attempts != 2 || got.SentAt.IsZero() {
		t.Fatalf("sent message %+v", got)
	}
	if n := f.vk.Count("users.get"); n != 1 {
		t.Fatalf("users.get called %d times", n)
	}
	// The same member writes again: the name comes from the cache.
	f.post(t, vktest.Callback("message_new", callbackSecret, f.vk.GroupID, vktest.MessageNew(5101, 18, "Спасибо")))
	if n := f.vk.Count("users.get"); n != 1 {
		t.Fatalf("users.get called %d times after a second message", n)
	}
}

// Forged callbacks are refused and store nothing; confirmation requests
// get the community's string only with the right secret and community.
func TestForgedCallbacksRefused(t *testing.T) {
	f := newFixture(t, "callback")
	msg := vktest.MessageNew(5102, 1, "поддельное")
	for name, body := range map[string]string{
		"wrong secret":               vktest.Callback("message_new", "guess", f.vk.GroupID, msg),
		"no secret":                  vktest.Callback("message_new", "", f.vk.GroupID, msg),
		"wrong community":            vktest.Callback("message_new", callbackSecret, f.vk.GroupID+1, msg),
		"confirmation, wrong secret": vktest.Callback("confirmation", "guess", f.vk.GroupID, nil),
	} {
		if code, out := f.post(t, body); code != http.StatusForbidden {
			t.Errorf("%s: %d %q, want 403", name, code, out)
		}
	}
	if cs := f.conversations(t); len(cs) != 0 {
		t.Fatalf("forged callbacks stored %d conversations", len(cs))
	}
	code, out := f.post(t, vktest.Callback("confirmation", callbackSecret, f.vk.GroupID, nil))
	if code != 200 || out != "a1b2c3d4" {
		t.Fatalf("confirmation: %d %q", code, out)
	}
	if code, _ := f.post(t, "{not json"); code != http.StatusBadRequest {
		t.Fatalf("garbage: %d", code)
	}
	if err := f.n.Inbox.Channels.SetDisabled(context.Background(), f.n.System, f.ch.ID, true); err != nil {
		t.Fatal(err)
	}
	if code, _ := f.post(t, vktest.Callback("message_new", callbackSecret, f.vk.GroupID, msg)); code != http.StatusForbidden {
		t.Fatalf("disabled channel: %d", code)
	}
	if cs := f.conversations(t); len(cs) != 0 {
		t.Fatalf("a disabled channel stored %d conversations", len(cs))
	}
	resp, err := http.Post(f.n.Server.URL+"/hooks/vk/no-such-channel", "application/json", strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown channel: %d", resp.StatusCode)
	}
}

// VK resends an event it got no "ok" for; the same event arriving five
// times at once is one message.
func TestSameEventConcurrently(t *testing.T) {
	f := newFixture(t, "callback")
	body := vktest.Callback("message_new", callbackSecret, f.vk.GroupID, vktest.MessageNew(5103, 42, "Повтор"))
	var wg sync.WaitGroup
	codes := make([]int, 5)
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = f.post(t, body)
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != 200 {
			t.Fatalf("post %d: %d", i, c)
		}
	}
	cs := f.conversations(t)
	if len(cs) != 1 {
		t.Fatalf("%d conversations", len(cs))
	}
	if ms := f.messages(t, cs[0].ID); len(ms) != 1 {
		t.Fatalf("%d messages, want 1", len(ms))
	}
	// An edit is a new entry, marked; the same edit again is not.
	edit := map[string]any{"id": 0, "date": time.Now().Unix(), "update_time": time.Now().Unix(), "peer_id": 5103, "from_id": 5103,
		"conversation_message_id": 42, "text": "Повтор (исправлено)"}
	for range 2 {
		if code, _ := f.post(t, vktest.Callback("message_edit", callbackSecret, f.vk.GroupID, edit)); code != 200 {
			t.Fatalf("edit: %d", code)
		}
	}
	ms := f.messages(t, cs[0].ID)
	if len(ms) != 2 || !strings.Contains(ms[1].Text, "(edited)") || !strings.Contains(ms[1].Text, "исправлено") {
		t.Fatalf("after edit: %+v", ms)
	}
}

// A member who has not allowed messages: the reply fails at once with a
// reason the operator can read.
func TestNotAllowedIsVisible(t *testing.T) {
	f := newFixture(t, "callback")
	f.post(t, vktest.Callback("message_new", callbackSecret, f.vk.GroupID, vktest.MessageNew(5104, 3, "Вопрос")))
	c := f.conversations(t)[0]
	f.vk.Mu.Lock()
	f.vk.SendErrs = []int{901}
	f.vk.Mu.Unlock()
	m := f.reply(t, c.ID, map[string]any{"text": "Ответ"})
	got := f.waitMessage(t, c.ID, m.ID, func(m inbox.Message) bool { return m.Status == inbox.DeliveryFailed })
	if !strings.Contains(got.StatusReason, "has not allowed messages from the community") || !strings.Contains(got.StatusReason, "901") {
		t.Fatalf("reason %q", got.StatusReason)
	}
	if sends, _ := f.vk.Snapshot(); len(sends) != 1 {
		t.Fatalf("%d sends, want 1 (no retries)", len(sends))
	}
}

// The answer to messages.send is lost (slow past the timeout, then a
// reset connection): the retries carry the same random_id and the member
// sees one message.
func TestLostAnswersDoNotDuplicate(t *testing.T) {
	f := newFixture(t, "callback")
	f.post(t, vktest.Callback("message_new", callbackSecret, f.vk.GroupID, vktest.MessageNew(5105, 9, "Вопрос")))
	c := f.conversations(t)[0]
	f.vk.Mu.Lock()
	f.vk.SlowSend, f.vk.SendDelay, f.vk.ResetSend = 1, 3*time.Second, 2
	f.vk.Mu.Unlock()
	m := f.reply(t, c.ID, map[string]any{"text": "Ответ"})
	f.waitMessage(t, c.ID, m.ID, func(m inbox.Message) bool { return m.Status == inbox.DeliverySent })
	sends, delivered := f.vk.Snapshot()
	if len(sends) < 3 || len(delivered) != 1 {
		t.Fatalf("%d sends, %d delivered; want ≥3 and 1", len(sends), len(delivered))
	}
	for _, s := range sends {
		if s.RandomID != sends[0].RandomID {
			t.Fatalf("random_id changed: %+v", sends)
		}
	}
}

// Long poll mode: the worker starts by itself, survives VK refusing the
// settings once, and brings a message in.
func TestLongPoll(t *testing.T) {
	f := newFixture(t, "longpoll")
	f.vk.Mu.Lock()
	f.vk.LPErrs = []int{15}
	f.vk.Mu.Unlock()
	waitFor(t, 10*time.Second, "long poll to connect", func() bool {
		f.vk.Mu.Lock()
		defer f.vk.Mu.Unlock()
		return f.vk.LPPolls > 0
	})
	if n := f.vk.Count("groups.setLongPollSettings"); n < 2 {
		t.Fatalf("setLongPollSettings called %d times, want a retry after the refusal", n)
	}
	st, err := f.n.Inbox.Channels.Status(context.Background(), f.n.System, f.ch.ID)
	if err != nil || !strings.Contains(st.LastError, "15") {
		t.Fatalf("status %+v %v: want the refusal reported", st, err)
	}
	f.vk.Mu.Lock()
	f.vk.LPResets = 4 // the connection breaks; Go retries a GET once on a reused connection, so some breaks reach the SDK
	f.vk.Mu.Unlock()
	waitFor(t, 10*time.Second, "the breaks", func() bool {
		f.vk.Mu.Lock()
		defer f.vk.Mu.Unlock()
		return f.vk.LPResets == 0
	})
	f.vk.PushEvent("message_new", vktest.MessageNew(5106, 1, "Через long poll"))
	waitFor(t, 10*time.Second, "the long-polled message", func() bool { return len(f.conversations(t)) == 1 })
	if n := f.vk.Count("groups.getLongPollServer"); n < 3 {
		t.Fatalf("getLongPollServer called %d times; want a reconnect after each failure", n)
	}
	c := f.conversations(t)[0]
	if ms := f.messages(t, c.ID); len(ms) != 1 || ms[0].Text != "Через long poll" {
		t.Fatalf("messages %+v", ms)
	}
	st, _ = f.n.Inbox.Channels.Status(context.Background(), f.n.System, f.ch.ID)
	if st.LastUpdateAt == 0 {
		t.Fatalf("status %+v: no last update", st)
	}
}

// jpeg is the start of a JPEG file: enough for sniffing.
var jpeg = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00}, bytes.Repeat([]byte{0x42}, 2000)...)

var (
	png = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 100)...)
	mp3 = append([]byte("ID3\x03\x00\x00\x00"), bytes.Repeat([]byte{2}, 100)...)
)

// A photo, a sticker and a voice message land in the blob store; a file on a host that is not VK's is
// not fetched; a wall post becomes a link.
func TestInboundAttachments(t *testing.T) {
	f := newFixture(t, "callback")
	f.vk.Mu.Lock()
	f.vk.Files["big.jpg"] = jpeg
	f.vk.Files["st512.png"] = png
	f.vk.Files["v.mp3"] = mp3
	f.vk.Mu.Unlock()
	foreign := vktest.New(t) // another server: not the channel's VK
	foreign.Mu.Lock()
	foreign.Files["x.jpg"] = jpeg
	foreign.Mu.Unlock()
	photo := map[string]any{"type": "photo", "photo": map[string]any{"id": 1, "owner_id": 5107, "sizes": []any{
		map[string]any{"type": "s", "url": f.vk.URL + "/files/small.jpg", "width": 75, "height": 50},
		map[string]any{"type": "w", "url": f.vk.URL + "/files/big.jpg", "width": 1280, "height": 960},
	}}}
	elsewhere := map[string]any{"type": "photo", "photo": map[string]any{"id": 2, "owner_id": 5107, "sizes": []any{
		map[string]any{"type": "w", "url": foreign.URL + "/files/x.jpg", "width": 100, "height": 100}}}}
	sticker := map[string]any{"type": "sticker", "sticker": map[string]any{"sticker_id": 9, "images": []any{
		map[string]any{"url": f.vk.URL + "/files/st128.png", "width": 128, "height": 128},
		map[string]any{"url": f.vk.URL + "/files/st512.png", "width": 512, "height": 512}}}}
	voice := map[string]any{"type": "audio_message", "audio_message": map[string]any{"id": 31, "owner_id": 5107, "duration": 3,
		"link_mp3": f.vk.URL + "/files/v.mp3", "link_ogg": f.vk.URL + "/files/v.ogg"}}
	wall := map[string]any{"type": "wall", "wall": map[string]any{"id": 77, "owner_id": -f.vk.GroupID, "text": "пост"}}
	code, _ := f.post(t, vktest.Callback("message_new", callbackSecret, f.vk.GroupID, vktest.MessageNew(5107, 1, "Фото справки", photo, elsewhere, sticker, voice, wall)))
	if code != 200 {
		t.Fatalf("callback: %d", code)
	}
	c := f.conversations(t)[0]
	ms := f.messages(t, c.ID)
	if len(ms) != 1 || len(ms[0].Attachments) != 3 {
		t.Fatalf("messages %+v", ms)
	}
	if st, v := ms[0].Attachments[1], ms[0].Attachments[2]; st.Name != "sticker-9.png" || st.ContentType != "image/png" ||
		v.Name != "voice-31.mp3" || v.ContentType != "audio/mpeg" {
		t.Fatalf("sticker %+v, voice %+v", st, v)
	}
	a := ms[0].Attachments[0]
	if a.ContentType != "image/jpeg" || a.Size != int64(len(jpeg)) || a.Name != "photo5107_1.jpg" {
		t.Fatalf("attachment %+v", a)
	}
	r, err := f.n.Blobs.Open(context.Background(), a.BlobKey)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if !bytes.Equal(b, jpeg) {
		t.Fatal("stored photo differs")
	}
	foreign.Mu.Lock()
	hits := foreign.FileHits
	foreign.Mu.Unlock()
	if hits != 0 {
		t.Fatal("a file outside VK was fetched")
	}
	want := fmt.Sprintf("https://vk.com/wall-%d_77", f.vk.GroupID)
	if !strings.Contains(ms[0].Text, want) || !strings.Contains(ms[0].Text, "not received") {
		t.Fatalf("text %q", ms[0].Text)
	}
}

// The operator answers with a photo and a document: both go through VK's
// upload servers and arrive with the message.
func TestReplyWithFiles(t *testing.T) {
	f := newFixture(t, "callback")
	f.post(t, vktest.Callback("message_new", callbackSecret, f.vk.GroupID, vktest.MessageNew(5108, 1, "Пришлите бланк")))
	c := f.conversations(t)[0]
	ctx := context.Background()
	photo, err := f.n.Inbox.Attachments.Upload(ctx, f.n.System, c.ID, "бланк.jpg", bytes.NewReader(jpeg))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := f.n.Inbox.Attachments.Upload(ctx, f.n.System, c.ID, "заявление.pdf", strings.NewReader("%PDF-1.4\n% test\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := f.reply(t, c.ID, map[string]any{"text": "Бланк и образец", "attachments": []any{
		map[string]any{"blob_key": photo.BlobKey}, map[string]any{"blob_key": doc.BlobKey}}})
	f.waitMessage(t, c.ID, m.ID, func(m inbox.Message) bool { return m.Status == inbox.DeliverySent })
	_, delivered := f.vk.Snapshot()
	if len(delivered) != 1 {
		t.Fatalf("%d delivered", len(delivered))
	}
	for _, d := range delivered {
		want := fmt.Sprintf("photo-%d_457239017_ak1,doc-%d_660001", f.vk.GroupID, f.vk.GroupID)
		if d.Attachment != want || d.Text != "Бланк и образец" {
			t.Fatalf("delivered %+v, want attachment %s", d, want)
		}
	}
	f.vk.Mu.Lock()
	uploads := append([]string(nil), f.vk.Uploads...)
	f.vk.Mu.Unlock()
	if len(uploads) != 2 || !strings.HasPrefix(uploads[0], "photo:") || !strings.HasPrefix(uploads[1], "file:") {
		t.Fatalf("uploads %v", uploads)
	}
}

// The channel hook checks the token with VK and fills in the community.
func TestChannelCheck(t *testing.T) {
	f := newFixture(t, "callback")
	if f.ch.Settings["group_id"] != strconv.Itoa(f.vk.GroupID) || f.ch.Settings["community_name"] == "" || f.ch.RatePerS != 16 {
		t.Fatalf("channel %+v", f.ch)
	}
	ctx := context.Background()
	bad := []struct {
		name     string
		settings map[string]string
		secrets  map[string]string
		field    string
	}{
		{"bad token", map[string]string{"confirmation": "x"}, map[string]string{"access_token": "wrong", "secret": "s"}, "secrets.access_token"},
		{"no token", map[string]string{"confirmation": "x"}, map[string]string{"secret": "s"}, "secrets.access_token"},
		{"other community", map[string]string{"confirmation": "x", "group_id": "1"}, map[string]string{"access_token": vktest.DefaultToken, "secret": "s"}, "settings.group_id"},
		{"no secret", map[string]string{"confirmation": "x"}, map[string]string{"access_token": vktest.DefaultToken}, "secrets.secret"},
		{"bad mode", map[string]string{"mode": "push"}, map[string]string{"access_token": vktest.DefaultToken}, "settings.mode"},
	}
	for _, tc := range bad {
		tc.settings["api_url"] = f.vk.APIURL()
		_, _, err := f.n.Inbox.Channels.Create(ctx, f.n.System, inbox.NewChannel{LineID: f.line.ID, Kind: inbox.KindVK, Name: "x",
			Settings: tc.settings, Secrets: tc.secrets})
		if err == nil || !strings.Contains(fmt.Sprintf("%#v", err), tc.field) {
			t.Errorf("%s: %v, want an error on %s", tc.name, err, tc.field)
		}
	}
	// A long-poll channel needs neither secret nor confirmation.
	lp, _, err := f.n.Inbox.Channels.Create(ctx, f.n.System, inbox.NewChannel{LineID: f.line.ID, Kind: inbox.KindVK, Name: "lp",
		Settings: map[string]string{"mode": "longpoll", "api_url": strings.TrimSuffix(f.vk.APIURL(), "/")},
		Secrets:  map[string]string{"access_token": vktest.DefaultToken}, RatePerS: 5})
	if err != nil || lp.RatePerS != 5 || lp.Settings["api_url"] != f.vk.APIURL() {
		t.Fatalf("long-poll channel %+v %v", lp, err)
	}
}
