package chat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/profhub/profhub/hub/hubtest"
)

// sse is one event of the chat socket.
type sse struct {
	Type  string
	Seq   int64
	Event struct {
		Seq     int64       `json:"seq"`
		Kind    string      `json:"kind"`
		ChatID  string      `json:"chat_id"`
		Message messageJSON `json:"message"`
	}
}

// openStream reads the chat socket of b from since until the test ends or
// stop is called.
func openStream(t *testing.T, b *hubtest.Browser, since int64) (<-chan sse, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	u := strings.Replace(b.Base, "http", "ws", 1) + "/api/v1/chat/ws?since=" + strconv.FormatInt(since, 10)
	conn, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: b.Client})
	if err != nil {
		cancel()
		t.Fatalf("chat socket: %v", err)
	}
	out := make(chan sse, 100)
	go func() {
		defer close(out)
		defer conn.CloseNow()
		for {
			var f sse
			if err := wsjson.Read(ctx, conn, &f); err != nil {
				return
			}
			out <- f
		}
	}()
	t.Cleanup(cancel)
	return out, cancel
}

func next(t *testing.T, ch <-chan sse, kind string) sse {
	t.Helper()
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatal("stream ended")
			}
			if ev.Type == kind || ev.Event.Kind == kind {
				return ev
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("no %s event", kind)
		}
	}
}

// TestChatStreamResumesWithoutLossOrRepeat: a member's stream gets a
// message live; messages sent while it is closed come, once and in order,
// when it reopens from the last id; a non-member hears nothing.
func TestChatStreamResumesWithoutLossOrRepeat(t *testing.T) {
	s := setup(t)
	g := s.group(t, "Живой", s.pe.ID)
	pe, stop := openStream(t, s.peW, 0)
	hello := next(t, pe, "hello")
	si, stopSi := openStream(t, s.siW, 0)
	next(t, si, "hello")
	defer stopSi()

	send(t, s.ivW, g.ID, `{"text":"Первое"}`, http.StatusCreated)
	live := next(t, pe, "message")
	if live.Event.Message.Text != "Первое" || live.Event.Seq <= hello.Seq {
		t.Fatalf("live: %+v (hello %d)", live, hello.Seq)
	}
	stop()
	for _, text := range []string{"Второе", "Третье"} {
		send(t, s.ivW, g.ID, `{"text":"`+text+`"}`, http.StatusCreated)
	}
	pe, stop = openStream(t, s.peW, live.Event.Seq)
	defer stop()
	for _, want := range []string{"Второе", "Третье"} {
		if ev := next(t, pe, "message"); ev.Event.Message.Text != want {
			t.Fatalf("resumed %q, want %q", ev.Event.Message.Text, want)
		}
	}
	send(t, s.ivW, g.ID, `{"text":"Четвёртое"}`, http.StatusCreated)
	if ev := next(t, pe, "message"); ev.Event.Message.Text != "Четвёртое" {
		t.Fatalf("after resume: %q (a repeat?)", ev.Event.Message.Text)
	}
	select {
	case ev := <-si:
		if ev.Event.ChatID == g.ID {
			t.Fatalf("a non-member heard %+v", ev)
		}
	default:
	}
}

// zeros is an endless body that counts what the server read of it.
type zeros struct{ n atomic.Int64 }

func (z *zeros) Read(p []byte) (int, error) {
	clear(p)
	z.n.Add(int64(len(p)))
	return len(p), nil
}

func upload(t *testing.T, b *hubtest.Browser, chatID, name string, content []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", b.Base+"/api/v1/chat/uploads/"+chatID, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", b.CSRF)
	resp, err := b.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestChatFiles: a file goes with a message and only members open it; a
// 1 GB body is refused from its declared length before it is read; one
// cannot post another's upload.
func TestChatFiles(t *testing.T) {
	s := setup(t)
	g := s.group(t, "Файлы", s.pe.ID)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	code, body := upload(t, s.ivW, g.ID, "схема.png", png)
	if code != http.StatusCreated {
		t.Fatalf("upload: %d %s", code, body)
	}
	var up struct {
		File struct {
			Key         string
			ContentType string `json:"content_type"`
		}
	}
	_ = json.Unmarshal([]byte(body), &up)
	if up.File.ContentType != "image/png" {
		t.Fatalf("type: %+v", up.File)
	}
	// Петров cannot post Иванова's upload as his.
	send(t, s.peW, g.ID, `{"files":["`+up.File.Key+`"]}`, http.StatusUnprocessableEntity)
	m := send(t, s.ivW, g.ID, `{"text":"Схема зала","files":["`+up.File.Key+`"]}`, http.StatusCreated)
	if m.ID == "" {
		t.Fatal("no message")
	}
	if code, _ := s.peW.Do(t, "GET", "/api/v1/chat/files/"+up.File.Key, ""); code != http.StatusOK {
		t.Fatalf("member opens file: %d", code)
	}
	if code, _ := s.siW.Do(t, "GET", "/api/v1/chat/files/"+up.File.Key, ""); code != http.StatusForbidden {
		t.Fatalf("non-member opens file: %d", code)
	}
	if code, _ := s.boW.Do(t, "GET", "/api/v1/chat/files/"+up.File.Key, ""); code != http.StatusNotFound {
		t.Fatalf("other unit opens file: %d", code)
	}
	// A non-member cannot upload.
	if code, _ := upload(t, s.siW, g.ID, "x.txt", []byte("x")); code != http.StatusForbidden {
		t.Fatalf("non-member upload: %d", code)
	}

	z := &zeros{}
	req, _ := http.NewRequest("POST", s.ivW.Base+"/api/v1/chat/uploads/"+g.ID, io.LimitReader(z, 1<<30))
	req.ContentLength = 1 << 30
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.Header.Set("X-CSRF-Token", s.ivW.CSRF)
	resp, err := s.ivW.Client.Do(req)
	if err == nil {
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("1 GB upload: %d", resp.StatusCode)
		}
	}
	if n := z.n.Load(); n > 64<<20 {
		t.Fatalf("the server read %d bytes of a refused 1 GB body", n)
	}
	var files int
	_ = s.n.DB.QueryRow(`SELECT COUNT(*) FROM chat_files`).Scan(&files)
	if files != 1 {
		t.Fatalf("%d files stored", files)
	}
}
