package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/org"
)

// node is a profhub process started by the test.
type node struct {
	cmd  *exec.Cmd
	base string
	log  *bytes.Buffer
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "profhub")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/profhub/profhub/cmd/profhub").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startProcess(t *testing.T, bin string, s hubtest.Storage) *node {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "PROFHUB_LISTEN="+addr, "PROFHUB_DATA_DIR="+s.DataDir, "PROFHUB_DATABASE_URL="+s.DatabaseURL,
		"PROFHUB_REDIS_URL="+s.RedisURL, "PROFHUB_REDIS_PREFIX="+s.RedisPrefix, "PROFHUB_SECRET_KEY=cluster test secret key",
		"PROFHUB_ADMIN_PASSWORD="+hubtest.AdminPassword, "PROFHUB_LOG_LEVEL=debug")
	n := &node{cmd: cmd, base: "http://" + addr, log: &bytes.Buffer{}}
	cmd.Stdout, cmd.Stderr = n.log, n.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("log of %s:\n%s", n.base, n.log.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(n.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return n
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("node %s not ready:\n%s", n.base, n.log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// adminOf opens the nodes' shared database and makes the administrator's
// API token in it directly, for tests that drive node processes.
func adminOf(t *testing.T, s hubtest.Storage) (*db.DB, org.AuthRecord, string) {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, s.DatabaseURL, s.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	users := org.NewStore(d)
	rec, err := users.AuthByLogin(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	svc := auth.NewService(auth.Deps{DB: d, Users: users, Params: auth.CheapPasswordParams, SessionTTL: time.Hour})
	sys := access.System("test")
	sys.UnitID = rec.UnitID
	admin, _, err := svc.CreateToken(ctx, sys, rec.ID, "node test", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return d, rec, admin
}

func api(t *testing.T, base, token, method, path string, in, out any) int {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		_ = json.Unmarshal(b, out)
	}
	return resp.StatusCode
}

// A node killed with SIGKILL while an offer is pending loses nothing: the
// offer lives in Redis, the operator reconnects to the other node, sees it,
// accepts it there and the reply goes out from there.
func TestKilledNodeLeavesNothingBehind(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	bin := buildBinary(t)
	s, _ := hubtest.NewSharedStorage(t)
	a := startProcess(t, bin, s)
	b := startProcess(t, bin, s)

	ctx := context.Background()
	d, rec, admin := adminOf(t, s)

	var delivered sync.Map
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct{ ID, Text string }
		_ = json.NewDecoder(r.Body).Decode(&m)
		delivered.Store(m.ID, m.Text)
	}))
	defer sink.Close()

	var op struct{ ID string }
	if code := api(t, a.base, admin, "POST", "/api/v1/users", map[string]any{"login": "op1", "full_name": "Оператор", "role": "operator",
		"unit_id": rec.UnitID, "password": "operator-password"}, &op); code != 201 {
		t.Fatalf("create operator: %d", code)
	}
	var tok struct{ Token string }
	api(t, a.base, admin, "POST", "/api/v1/tokens", map[string]any{"name": "console", "user_id": op.ID}, &tok)
	var line struct{ ID string }
	if code := api(t, a.base, admin, "POST", "/api/v1/inbox/lines", map[string]any{"name": "Линия", "unit_id": rec.UnitID,
		"routing_mode": "strict", "offer_timeout_s": 120, "operators": []map[string]any{{"user_id": op.ID}}}, &line); code != 201 {
		t.Fatalf("create line: %d", code)
	}
	var ch struct {
		Channel struct{ ID string }
		Token   string
	}
	api(t, a.base, admin, "POST", "/api/v1/inbox/channels", map[string]any{"line_id": line.ID, "kind": "api", "name": "Сайт",
		"settings": map[string]string{"webhook_url": sink.URL}}, &ch)

	// The operator works on node A.
	wsURL := strings.Replace(a.base, "http", "ws", 1) + "/api/v1/inbox/ws"
	conn, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + tok.Token}}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(websocket.StatusNormalClosure, "")
	api(t, a.base, tok.Token, "POST", "/api/v1/inbox/presence", map[string]string{"status": "online"}, nil)

	var in struct {
		ConversationID string `json:"conversation_id"`
	}
	msg := map[string]any{"contact": map[string]string{"id": "member-7"}, "message": map[string]string{"id": "m-1", "text": "Помогите"}}
	if code := api(t, a.base, ch.Token, "POST", "/hooks/api/"+ch.Channel.ID+"/messages", msg, &in); code != 201 {
		t.Fatalf("inbound: %d", code)
	}
	// Wait until the offer exists, then kill A without a chance to clean up.
	var offers struct {
		Offers []struct {
			ConversationID string `json:"conversation_id"`
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for len(offers.Offers) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no offer made")
		}
		api(t, a.base, tok.Token, "GET", "/api/v1/inbox/offers", nil, &offers)
		time.Sleep(50 * time.Millisecond)
	}
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = a.cmd.Process.Wait()

	// The operator reconnects to B: the offer is there, and accepting works.
	api(t, b.base, tok.Token, "POST", "/api/v1/inbox/presence", map[string]string{"status": "online"}, nil)
	offers.Offers = nil
	api(t, b.base, tok.Token, "GET", "/api/v1/inbox/offers", nil, &offers)
	if len(offers.Offers) != 1 || offers.Offers[0].ConversationID != in.ConversationID {
		t.Fatalf("offers on B after A died: %+v", offers.Offers)
	}
	if code := api(t, b.base, tok.Token, "POST", "/api/v1/inbox/conversations/"+in.ConversationID+"/accept", nil, nil); code != 200 {
		t.Fatalf("accept on B: %d", code)
	}
	var reply struct{ ID string }
	if code := api(t, b.base, tok.Token, "POST", "/api/v1/inbox/conversations/"+in.ConversationID+"/messages",
		map[string]string{"text": "Помогаем"}, &reply); code != 201 {
		t.Fatalf("reply on B: %d", code)
	}
	deadline = time.Now().Add(15 * time.Second)
	for {
		if v, ok := delivered.Load(reply.ID); ok && v == "Помогаем" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("reply from B never delivered")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The member writes again through B; one conversation, two inbound messages.
	msg["message"] = map[string]string{"id": "m-2", "text": "Спасибо"}
	api(t, b.base, ch.Token, "POST", "/hooks/api/"+ch.Channel.ID+"/messages", msg, nil)
	var n int
	if err := d.QueryRow(`SELECT COUNT(*) FROM inbox_messages WHERE conversation_id = $1 AND direction = 'in'`, in.ConversationID).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d inbound messages in the conversation (%v)", n, err)
	}
}
