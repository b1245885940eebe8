// Package hubtest starts whole hub nodes for tests: on SQLite and the
// embedded Redis by default, or on the PostgreSQL and Redis named by
// PROFHUB_TEST_DATABASE_URL and PROFHUB_TEST_REDIS_URL, each test in its
// own schema and key prefix.
package hubtest

import (
	"context"

	"github.com/alicebob/miniredis/v2"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/profhub/profhub/hub"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/logx"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/internal/storage/kv/kvtest"
	"github.com/profhub/profhub/org"
)

// AdminPassword is the password of the "admin" user every test hub starts with.
const AdminPassword = "admin-password"

// Node is a running hub with its HTTP server.
type Node struct {
	*hub.Hub
	Server *httptest.Server
	Root   org.Unit
	System access.Scope
	// Logs holds the node's log lines of level info and above, for tests
	// of what an administrator reads.
	Logs *LogLines
}

// Storage names where a test hub keeps its data; Start fills it in the
// first time and nodes sharing one Storage form a cluster.
type Storage struct {
	DatabaseURL string
	DataDir     string
	RedisURL    string
	RedisPrefix string
	// Log, when set, receives the node's log (text, debug level), for
	// tests that check what an administrator would read.
	Log io.Writer
}

// NewStorage picks storage for one test: PostgreSQL and Redis when
// configured, else SQLite in a temporary directory and an embedded Redis
// (which two nodes cannot share).
func NewStorage(t testing.TB) Storage {
	s := Storage{DataDir: t.TempDir(), RedisURL: kvtest.URL(), RedisPrefix: kvtest.NewPrefix()}
	if dbtest.PostgresURL() != "" {
		s.DatabaseURL, _ = dbtest.NewPostgresSchema(t)
	}
	return s
}

// NewSharedStorage is NewStorage for several nodes: without a configured
// Redis it starts a Redis-compatible server on loopback for the test, which
// every node of the storage connects to. The server is returned so tests can
// stop it (nil when a real Redis is used).
func NewSharedStorage(t testing.TB) (Storage, *miniredis.Miniredis) {
	s := NewStorage(t)
	if s.RedisURL != "" {
		return s, nil
	}
	return withPrivateRedis(t, s)
}

// NewStorageWithStoppableRedis always gives the nodes a Redis-compatible
// server of the test's own (with the configured database), for tests that
// take Redis away.
func NewStorageWithStoppableRedis(t testing.TB) (Storage, *miniredis.Miniredis) {
	return withPrivateRedis(t, NewStorage(t))
}

func withPrivateRedis(t testing.TB, s Storage) (Storage, *miniredis.Miniredis) {
	m := miniredis.NewMiniRedis()
	m.ClockTTL(true)
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	s.RedisURL = "redis://" + m.Addr() + "/0"
	return s, m
}

// Start runs a node on fresh storage.
func Start(t testing.TB) *Node { return StartOn(t, NewStorage(t)) }

// StartOn runs a node on the given storage.
func StartOn(t testing.TB, s Storage) *Node { return StartWith(t, s, nil) }

// StartWith runs a node on the given storage after tweak (when not nil) has
// changed its configuration, for tests of settings such as the base URL.
func StartWith(t testing.TB, s Storage, tweak func(*config.Config)) *Node {
	t.Helper()
	cfg, err := config.Load(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir, cfg.BlobDir = s.DataDir, s.DataDir+"/blobs"
	cfg.DatabaseURL, cfg.RedisURL, cfg.RedisPrefix = s.DatabaseURL, s.RedisURL, s.RedisPrefix
	cfg.AdminPassword = AdminPassword
	cfg.SecretKey = "hubtest secret key, not for production"
	if tweak != nil {
		tweak(cfg)
	}
	logs := &LogLines{}
	var logOut io.Writer = logs
	if os.Getenv("PROFHUB_TEST_VERBOSE") != "" {
		logOut = io.MultiWriter(logs, os.Stderr)
	}
	if s.Log != nil {
		logOut = io.MultiWriter(logs, s.Log)
	}
	log := slog.New(logx.NewSummarizer(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelDebug}), logx.Options{}))
	h, err := hub.New(context.Background(), cfg, log, hub.Options{Version: "test", PasswordParams: auth.CheapPasswordParams})
	if err != nil {
		t.Fatalf("hubtest: %v", err)
	}
	srv := httptest.NewServer(h.Handler())
	t.Cleanup(func() {
		srv.Close()
		if !h.KV.Embedded() {
			_ = h.KV.DeletePrefix(context.Background())
		}
		h.Close()
	})
	roots, err := h.Org.Roots(context.Background())
	if err != nil || len(roots) == 0 {
		t.Fatalf("hubtest: no root unit: %v", err)
	}
	sys := access.System("test")
	sys.UnitID = roots[0].ID
	return &Node{Hub: h, Server: srv, Root: roots[0], System: sys, Logs: logs}
}

// AddUnit creates a unit under parent (the root when empty).
func (n *Node) AddUnit(t testing.TB, parentID string, kind org.UnitKind, name string) org.Unit {
	t.Helper()
	if parentID == "" {
		parentID = n.Root.ID
	}
	u, err := n.Org.CreateUnit(context.Background(), n.System, parentID, kind, name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// AddUser creates a user with password pw.
func (n *Node) AddUser(t testing.TB, login string, role access.Role, unitID, pw string) org.User {
	t.Helper()
	hash, err := n.Auth.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	u, err := n.Org.CreateUser(context.Background(), n.System, org.NewUser{Login: login, FullName: "Тест " + login,
		Role: role, UnitID: unitID, PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Browser is an HTTP client with a cookie jar that signs in through the
// login form like a person, and remembers the session's CSRF token.
type Browser struct {
	*http.Client
	Base string
	CSRF string
}

// NewBrowser returns a client for n that does not follow redirects, so
// tests can see them.
func (n *Node) NewBrowser(t testing.TB) *Browser {
	jar, _ := cookiejar.New(nil)
	return &Browser{Client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}, Base: n.Server.URL}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// Login signs in with the form and returns the final response status.
func (b *Browser) Login(t testing.TB, login, pw string) *http.Response {
	t.Helper()
	resp, err := b.Get(b.Base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatal("hubtest: login form has no csrf token")
	}
	resp, err = b.PostForm(b.Base+"/login", url.Values{"login": {login}, "password": {pw}, "csrf_token": {string(m[1])}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusSeeOther {
		b.CSRF = b.fetchCSRF(t)
	}
	return resp
}

func (b *Browser) fetchCSRF(t testing.TB) string {
	t.Helper()
	resp, err := b.Get(b.Base + "/profile")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		return string(m[1])
	}
	return ""
}

// Do sends method to path with an optional JSON body and the CSRF header.
func (b *Browser) Do(t testing.TB, method, path, jsonBody string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, b.Base+path, strings.NewReader(jsonBody))
	if err != nil {
		t.Fatal(err)
	}
	if jsonBody != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if b.CSRF != "" {
		req.Header.Set("X-CSRF-Token", b.CSRF)
	}
	resp, err := b.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
