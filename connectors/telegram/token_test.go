package telegram_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/testkit/tgtest"
)

// syncBuffer is a log sink a test can read while the hub writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A bot token revoked in @BotFather: the channel is marked failed once,
// with the reason in its status; polling stops (no request every few
// seconds, no warning every few seconds); replies fail at once without a
// request; a new token brings the channel back.
func TestRevokedTokenStopsTheChannelUntilChanged(t *testing.T) {
	tg := tgtest.New(t)
	s := hubtest.NewStorage(t)
	logs := &syncBuffer{}
	s.Log = logs
	n := hubtest.StartOn(t, s)
	e := &env{n: n, tg: tg}
	op := n.AddUser(t, "op1", access.Operator, n.Root.ID, "password-1")
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Телеграм", n.Root.ID, inbox.Manual
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	ctx := context.Background()
	var err error
	if e.line, err = n.Inbox.Lines.Create(ctx, n.System, l); err != nil {
		t.Fatal(err)
	}
	if e.opTok, _, err = n.Auth.CreateToken(ctx, n.System, op.ID, "test", 0); err != nil {
		t.Fatal(err)
	}
	ch := e.channel(t, "polling")
	tg.Queue(tgtest.TextMessage(778300, 1, "вопрос"))
	waitUntil(t, 15*time.Second, "the first message polled", func() bool { return len(e.inbound(t, ch)) == 1 })
	conv := e.inbound(t, ch)[0].ConversationID

	// The token is revoked: Telegram answers 401 to the old one.
	tg.Set(func(f *tgtest.Server) { f.Token = "123456:NEW-token_xyz" })
	tg.Queue(tgtest.TextMessage(778300, 2, "ещё")) // ends the long poll in flight; the next one meets the 401
	var st inbox.ChannelStatus
	waitUntil(t, 15*time.Second, "the channel marked failed", func() bool {
		st, err = n.Inbox.Channels.Status(ctx, n.System, ch.ID)
		return err == nil && st.FailedCode == "token_revoked"
	})
	if !strings.Contains(st.FailedReason, "Unauthorized") || st.FailedAt == 0 || st.FailedFor != "" {
		t.Fatalf("status = %+v", st)
	}
	if strings.Contains(st.FailedReason+st.LastError, "TEST-token") {
		t.Fatalf("the token leaked into the status: %+v", st)
	}
	refused := tg.Refused()
	r := e.reply(t, conv, "ответ при отозванном токене")
	m := e.waitStatus(t, conv, r.ID, inbox.DeliveryFailed, 10*time.Second)
	if !strings.Contains(m.StatusReason, "no longer valid") || m.Attempts != 1 {
		t.Fatalf("reply with a revoked token: %q after %d attempts", m.StatusReason, m.Attempts)
	}
	time.Sleep(6 * time.Second) // the library retried every 5 s at most
	if more := tg.Refused() - refused; more > 0 {
		t.Fatalf("%d calls with the refused token after the channel was marked failed", more)
	}
	if got := tg.Calls("sendMessage"); got != 0 {
		t.Fatalf("%d sendMessage with a refused token", got)
	}
	out := logs.String()
	if c := strings.Count(out, "refuses the bot token"); c != 1 {
		t.Fatalf("the refusal logged %d times:\n%s", c, out)
	}
	if strings.Contains(out, "telegram polling error") {
		t.Fatalf("polling errors logged after the refusal:\n%s", out)
	}

	// The administrator pastes the new token: the channel works again.
	if _, err := n.Inbox.Channels.Update(ctx, n.System, ch.ID, inbox.ChannelChanges{Secrets: map[string]string{"bot_token": "123456:NEW-token_xyz"}}); err != nil {
		t.Fatal(err)
	}
	st, _ = n.Inbox.Channels.Status(ctx, n.System, ch.ID)
	if st.FailedCode != "" || st.LastError != "" {
		t.Fatalf("status after the new token: %+v", st)
	}
	tg.Queue(tgtest.TextMessage(778300, 3, "снова"))
	waitUntil(t, 15*time.Second, "polling again", func() bool { return len(e.inbound(t, ch)) == 3 })
	r = e.reply(t, conv, "ответ с новым токеном")
	e.waitStatus(t, conv, r.ID, inbox.DeliverySent, 10*time.Second)
}

// A photo is stored with the type its content has (Telegram does not say):
// a PNG is image/png, named .png.
func TestPhotoKeepsItsRealType(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(t, "webhook")
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 200)...)
	e.tg.AddFile("ph-png", png)
	msg := tgtest.TextMessage(778400, 1, "")
	delete(msg, "text")
	msg["photo"] = []map[string]any{{"file_id": "ph-png", "file_unique_id": "p", "width": 800, "height": 600, "file_size": len(png)}}
	if code := e.hook(t, ch, e.tg.WebhookSecret, e.tg.Update(msg)); code != 200 {
		t.Fatalf("webhook = %d", code)
	}
	in := e.inbound(t, ch)
	if len(in) != 1 || len(in[0].Attachments) != 1 {
		t.Fatalf("inbound = %+v", in)
	}
	a := in[0].Attachments[0]
	if a.ContentType != "image/png" || !strings.HasSuffix(a.Name, ".png") {
		t.Fatalf("photo stored as %q named %q", a.ContentType, a.Name)
	}
	f, err := e.n.Blobs.Open(context.Background(), a.BlobKey)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, _ := io.ReadAll(f); !bytes.Equal(got, png) {
		t.Fatal("the stored photo differs")
	}
}

func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
