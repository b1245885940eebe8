package widget_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
)

func TestScriptAndDemoPage(t *testing.T) {
	f := newFixture(t)
	req, _ := http.NewRequest("GET", f.base+"/widget/v1/widget.js", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	gz, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") ||
		resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age=86400") {
		t.Fatalf("script: %d %v", resp.StatusCode, resp.Header)
	}
	if len(gz) >= 30<<10 {
		t.Errorf("script is %d bytes gzipped, want under 30 KB", len(gz))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Contains(plain, []byte("attachShadow")) {
		t.Error("script does not draw in a Shadow DOM")
	}
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	if resp, _ := http.DefaultTransport.RoundTrip(req); resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: %d", resp.StatusCode)
	}

	resp, err = http.Get(f.base + "/widget/demo")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(page, []byte(`data-channel="`+f.ch.ID+`"`)) {
		t.Fatalf("demo: %d %s", resp.StatusCode, page)
	}
}

func TestConfigChecksOrigin(t *testing.T) {
	f := newFixture(t)
	code, cfg, h := f.req(t, "GET", "/widget/v1/config/"+f.ch.ID, siteOrigin, nil)
	if code != 200 || h.Get("Access-Control-Allow-Origin") != siteOrigin {
		t.Fatalf("allowed origin: %d %v %v", code, cfg, h)
	}
	if cfg["title"] != "Профсоюз" || cfg["lang"] != "ru" || cfg["open"] != true || cfg["operators_online"] != false {
		t.Errorf("config: %v", cfg)
	}
	if code, out, h := f.req(t, "GET", "/widget/v1/config/"+f.ch.ID, "https://evil.example", nil); code != http.StatusForbidden ||
		h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin: %d %v", code, out)
	}
	if code, _, _ := f.req(t, "GET", "/widget/v1/config/nope", siteOrigin, nil); code != http.StatusNotFound {
		t.Errorf("unknown channel: %d", code)
	}
	if code, _, _ := f.req(t, "OPTIONS", "/widget/v1/session/"+f.ch.ID, siteOrigin, nil); code != http.StatusNoContent {
		t.Errorf("preflight: %d", code)
	}
	// Settings the script cannot use are refused when saved.
	bad := "red"
	if _, err := f.n.Inbox.Channels.Update(context.Background(), f.n.System, f.ch.ID, inbox.ChannelChanges{Settings: map[string]string{"colour": bad}}); err == nil {
		t.Error("bad colour accepted")
	}
}

func TestSessionNeedsConsentAndContact(t *testing.T) {
	f := newFixture(t)
	for _, body := range []map[string]any{
		{"name": "Анна", "contact": "anna@example.org"},
		{"name": "Анна", "contact": "not a phone", "consent": true},
		{"name": "", "contact": "+7 900 123-45-67", "consent": true},
	} {
		if code, out, _ := f.req(t, "POST", "/widget/v1/session/"+f.ch.ID, siteOrigin, body); code != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d %v", body, code, out)
		}
	}
	token := f.session(t)
	code, out, _ := f.req(t, "POST", "/widget/v1/session/"+f.ch.ID, siteOrigin, map[string]any{"token": token, "rotate": true})
	if code != 200 || out["token"] == token {
		t.Fatalf("rotate: %d %v", code, out)
	}
	if code, _, _ := f.req(t, "POST", "/widget/v1/session/"+f.ch.ID, siteOrigin, map[string]any{"token": token}); code != http.StatusUnauthorized {
		t.Errorf("old token after rotation: %d", code)
	}
}

// TestChatResumeAndDedup is the socket protocol: a message with a client
// id is echoed with its seq, an operator's reply arrives with the
// operator's name, two replies written while the visitor is away arrive
// once each on reconnect with since, and a resent message is stored once.
func TestChatResumeAndDedup(t *testing.T) {
	f := newFixture(t)
	token := f.session(t)
	s := f.mustDial(t, token, "")
	ack, echo := s.exchange("c-1", "Здравствуйте, вопрос о зарплате")
	if ack.ClientID != "c-1" || ack.Seq == 0 || ack.Duplicate {
		t.Fatalf("ack: %+v", ack)
	}
	if echo.Direction != "in" || echo.Text != "Здравствуйте, вопрос о зарплате" || echo.Seq != ack.Seq {
		t.Fatalf("echo: %+v", echo)
	}
	conv := ack.ConversationID

	f.reply(t, conv, "Добрый день! Слушаю вас.")
	got := s.msgs(1)
	if got[0].Direction != "out" || got[0].Text != "Добрый день! Слушаю вас." || got[0].Author != f.op.FullName {
		t.Fatalf("reply: %+v", got)
	}
	last := got[0].Seq

	// The connection drops; the operator writes twice meanwhile.
	s.conn.CloseNow()
	f.reply(t, conv, "Первое, пока вас не было")
	f.reply(t, conv, "И второе")
	waitSent(t, f, conv, 3)

	s2 := f.mustDial(t, token, "&since="+itoa(last)+"&conversation="+conv)
	missed := s2.msgs(2)
	if len(missed) != 2 || missed[0].Text != "Первое, пока вас не было" || missed[1].Text != "И второе" || missed[0].Seq <= last {
		t.Fatalf("missed: %+v", missed)
	}
	s2.quiet(300 * time.Millisecond)

	// The same message resent (typed offline, queued twice) is stored once.
	s2.message("c-1", "Здравствуйте, вопрос о зарплате")
	if ack := s2.next(isType("ack")); !ack.Duplicate || ack.Seq != echo.Seq {
		t.Fatalf("resend ack: %+v", ack)
	}
	s2.quiet(300 * time.Millisecond)
	if n := f.count(t, `SELECT COUNT(*) FROM inbox_messages WHERE conversation_id = $1 AND direction = 'in'`, conv); n != 1 {
		t.Fatalf("%d inbound messages, want 1", n)
	}
	// Notes stay inside the union.
	if _, err := f.n.Inbox.Dispatch.Note(context.Background(), f.opScope, conv, inbox.ReplyInput{Text: "внутренняя заметка"}); err != nil {
		t.Fatal(err)
	}
	s2.quiet(500 * time.Millisecond)
}

// waitSent waits until n replies of conv are marked sent by the widget's
// sender.
func waitSent(t *testing.T, f *fixture, conv string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for f.count(t, `SELECT COUNT(*) FROM inbox_messages WHERE conversation_id = $1 AND direction = 'out' AND status = 'sent'`, conv) < n {
		if time.Now().After(deadline) {
			t.Fatalf("replies not marked sent")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestSocketRefusesOtherOrigins(t *testing.T) {
	f := newFixture(t)
	token := f.session(t)
	_, resp, err := f.dial(t, token, "", "https://evil.example")
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("evil origin: err %v, resp %v", err, resp)
	}
	if _, _, err := f.dial(t, token, "", "https://www.union.example"); err != nil {
		t.Fatalf("second allowed origin: %v", err)
	}
	s, _, err := f.dial(t, "pwv_wrong", "", siteOrigin)
	if err != nil {
		t.Fatal(err)
	}
	if code := s.closed(); code != 4001 {
		t.Fatalf("bad token closed with %d, want 4001", code)
	}
}

func TestCloseAsksRatingAndRatingIsStored(t *testing.T) {
	f := newFixture(t)
	token := f.session(t)
	s := f.mustDial(t, token, "")
	ack, _ := s.exchange("m1", "Спасибо")
	conv := ack.ConversationID
	if code, _, _ := f.req(t, "POST", "/widget/v1/rating/"+f.ch.ID+"?token="+token, siteOrigin, map[string]any{"rating": 5}); code != http.StatusConflict {
		t.Errorf("rating an open conversation: %d", code)
	}
	if _, err := f.n.Inbox.Actions.Close(context.Background(), f.opScope, conv); err != nil {
		t.Fatal(err)
	}
	closed := s.msgs(1)[0]
	if closed.Direction != "system" || closed.Event != "closed" || !closed.AskRating {
		t.Fatalf("close: %+v", closed)
	}
	if code, out, _ := f.req(t, "POST", "/widget/v1/rating/"+f.ch.ID+"?token="+token, siteOrigin, map[string]any{"rating": 9}); code != http.StatusUnprocessableEntity {
		t.Errorf("rating 9: %d %v", code, out)
	}
	code, out, _ := f.req(t, "POST", "/widget/v1/rating/"+f.ch.ID+"?token="+token, siteOrigin, map[string]any{"rating": 5, "comment": "Быстро помогли"})
	if code != http.StatusNoContent {
		t.Fatalf("rating: %d %v", code, out)
	}
	var rating int
	var comment string
	if err := f.n.DB.QueryRow(`SELECT rating, rating_comment FROM inbox_conversations WHERE id = $1`, conv).Scan(&rating, &comment); err != nil {
		t.Fatal(err)
	}
	if rating != 5 || comment != "Быстро помогли" {
		t.Errorf("stored %d %q", rating, comment)
	}

	// Writing again starts a new conversation; the socket follows it.
	s.message("m2", "Ещё вопрос")
	var newConv, announced string
	for newConv == "" || announced == "" {
		fr := s.next(func(f frame) bool { return f.Type == "ack" || f.Type == "conversation" })
		if fr.Type == "ack" {
			newConv = fr.ConversationID
		} else {
			announced = fr.ConversationID
		}
	}
	if newConv == conv || announced != newConv {
		t.Fatalf("new conversation %s, announced %s, old %s", newConv, announced, conv)
	}
}

func TestOfflineFormQueuesConversation(t *testing.T) {
	f := newFixture(t)
	body := map[string]any{"name": "Пётр", "contact": "8 (900) 111-22-33", "consent": true, "text": "Позвоните мне утром", "client_id": "off-1"}
	code, out, _ := f.req(t, "POST", "/widget/v1/offline/"+f.ch.ID, siteOrigin, body)
	if code != http.StatusCreated || out["token"] == "" {
		t.Fatalf("offline: %d %v", code, out)
	}
	conv, err := f.n.Inbox.Conversations.Get(context.Background(), f.n.System, out["conversation_id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if conv.Status != inbox.StatusWaiting || conv.ContactName != "Пётр" || conv.ChannelKind != inbox.KindWidget {
		t.Fatalf("conversation: %+v", conv)
	}
	// The visitor comes back with the token and sees the conversation.
	s := f.mustDial(t, out["token"].(string), "")
	if m := s.msgs(1); m[0].Text != "Позвоните мне утром" {
		t.Fatalf("history: %+v", m)
	}
}

func TestUploadAndAttach(t *testing.T) {
	f := newFixture(t)
	token := f.session(t)
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	key := upload(t, f, token, "photo.png", png, http.StatusCreated)
	upload(t, f, token, "notes.txt", []byte("plain text"), http.StatusUnsupportedMediaType)

	s := f.mustDial(t, token, "")
	s.send(map[string]any{"type": "message", "client_id": "f1", "text": "", "files": []string{key}})
	m := s.msgs(1)[0]
	if len(m.Files) != 1 {
		t.Fatalf("files: %+v", m)
	}
	resp, err := http.Get(f.base + m.Files[0].URL + "?token=" + token)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(got, png) {
		t.Fatalf("download: %d", resp.StatusCode)
	}
	// Another visitor cannot attach or read the file.
	other := f.session(t)
	s2 := f.mustDial(t, other, "")
	s2.send(map[string]any{"type": "message", "client_id": "f2", "text": "", "files": []string{key}})
	if e := s2.next(isType("error")); e.ClientID != "f2" {
		t.Fatalf("foreign file: %+v", e)
	}
	if resp, _ := http.Get(f.base + m.Files[0].URL + "?token=" + other); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("foreign download: %d", resp.StatusCode)
	}
}

func upload(t *testing.T, f *fixture, token, name string, content []byte, want int) string {
	t.Helper()
	var buf bytes.Buffer
	mw := newMultipart(&buf, name, content)
	req, _ := http.NewRequest("POST", f.base+"/widget/v1/upload/"+f.ch.ID+"?token="+token, &buf)
	req.Header.Set("Content-Type", mw)
	req.Header.Set("Origin", siteOrigin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("upload %s: %d %s", name, resp.StatusCode, b)
	}
	if want != http.StatusCreated {
		return ""
	}
	i := bytes.Index(b, []byte(`"key":"`))
	rest := b[i+7:]
	return string(rest[:bytes.IndexByte(rest, '"')])
}

func TestRevokeClosesSockets(t *testing.T) {
	f := newFixture(t)
	token := f.session(t)
	s := f.mustDial(t, token, "")
	if code, _, _ := f.req(t, "DELETE", "/widget/v1/session/"+f.ch.ID+"?token="+token, siteOrigin, nil); code != http.StatusNoContent {
		t.Fatalf("revoke: %d", code)
	}
	if code := s.closed(); code != 4001 {
		t.Fatalf("closed with %d, want 4001", code)
	}
	if code, _, _ := f.req(t, "POST", "/widget/v1/session/"+f.ch.ID, siteOrigin, map[string]any{"token": token}); code != http.StatusUnauthorized {
		t.Fatalf("revoked token resumed: %d", code)
	}
}

// The script is told the documented 10 MiB, not the hub's 1 MiB limit for
// ordinary bodies, and the upload path really takes such a file.
func TestUploadLimitIsTheDocumentedOne(t *testing.T) {
	f := newFixture(t)
	code, cfg, _ := f.req(t, "GET", "/widget/v1/config/"+f.ch.ID, siteOrigin, nil)
	if code != http.StatusOK || cfg["max_upload_bytes"] != float64(10<<20) {
		t.Fatalf("config: %d max_upload_bytes=%v, want %d", code, cfg["max_upload_bytes"], 10<<20)
	}
	token := f.session(t)
	png := func(n int) []byte { return append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, n-8)...) }
	upload(t, f, token, "scan.png", png(9<<20), http.StatusCreated)
	upload(t, f, token, "exact.png", png(10<<20), http.StatusCreated) // "files of 10 MiB" (docs/API.md)
	upload(t, f, token, "huge.png", png(10<<20+1), http.StatusRequestEntityTooLarge)
}
