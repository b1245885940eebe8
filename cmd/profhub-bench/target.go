package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/profhub/profhub/hub"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// target is the hub under load: its address, an administrator's token,
// where it runs (mode, hubPID), and the hub itself when it runs inside
// the bench.
type target struct {
	base   string
	token  string
	hub    *hub.Hub
	client *http.Client
	stop   func()

	mode     string
	hubPID   int
	finalHub usage // the hub process's own account, once it has exited

	// Where the hub keeps its data, for the scenarios that check what it
	// stored (lost and doubled messages) by reading the database directly.
	databaseURL, dataDir string
	checkDB              *db.DB
}

type targetFlags struct {
	url, token, databaseURL, redisURL string
	inProcess                         bool
	hubPID                            int
}

func (f *targetFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.url, "url", "", "address of a running hub (default: start one in a temporary directory)")
	fs.StringVar(&f.token, "token", "", "an administrator's API token for --url")
	fs.StringVar(&f.databaseURL, "database-url", "", "start the hub on this PostgreSQL (default: SQLite)")
	fs.StringVar(&f.redisURL, "redis-url", "", "start the hub on this Redis (default: in-process)")
	fs.BoolVar(&f.inProcess, "in-process", false, "run the hub inside the bench instead of as its own process (its CPU and memory then include the clients')")
	fs.IntVar(&f.hubPID, "hub-pid", 0, "with --url: the hub's process id, to read its CPU and memory")
}

func newClient(conns int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, IdleConnTimeout: time.Minute,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}}
}

// open gives the scenario its hub: the one at --url, one inside the bench
// with --in-process, or by default a hub of its own in a child process, so
// that what the hub spends is measured apart from the load.
func (f targetFlags) open(ctx context.Context, conns int) (*target, error) {
	switch {
	case f.url != "":
		if f.token == "" {
			return nil, fmt.Errorf("--url needs --token (an administrator's API token)")
		}
		return &target{base: f.url, token: f.token, client: newClient(conns), stop: func() {}, mode: modeRemote, hubPID: f.hubPID}, nil
	case f.inProcess:
		t, err := f.startInProcess(ctx, conns)
		if err == nil {
			t.mode, t.hubPID = modeInProcess, os.Getpid()
		}
		return t, err
	}
	return startHubProcess(ctx, f, conns)
}

// startInProcess starts a hub inside this process on a temporary
// directory (or the given PostgreSQL and Redis).
func (f targetFlags) startInProcess(ctx context.Context, conns int) (*target, error) {
	t := &target{client: newClient(conns), stop: func() {}}
	dir, err := os.MkdirTemp("", "profhub-bench-")
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(nil, nil)
	if err != nil {
		return nil, err
	}
	cfg.DataDir, cfg.BlobDir = dir, filepath.Join(dir, "blobs")
	cfg.DatabaseURL, cfg.RedisURL = f.databaseURL, f.redisURL
	cfg.RedisPrefix = fmt.Sprintf("bench:%d:", time.Now().UnixNano())
	cfg.SecretKey = "profhub-bench secret key"
	cfg.AdminPassword = "bench-admin-password"
	cfg.MetricsToken = benchMetricsToken
	// Campaigns start only with a public address for their links; the
	// letters go to the sink, nobody follows them.
	cfg.BaseURL = "http://profhub-bench.invalid"
	logFile, err := os.Create(filepath.Join(dir, "hub.log"))
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(logFile, &slog.HandlerOptions{Level: slog.LevelInfo}))
	h, err := hub.New(ctx, cfg, log, hub.Options{Version: "bench"})
	if err != nil {
		return nil, err
	}
	roots, err := h.Org.Roots(ctx)
	if err != nil || len(roots) == 0 {
		return nil, fmt.Errorf("no root unit: %v", err)
	}
	sys := access.System("bench")
	sys.UnitID = roots[0].ID
	rec, err := h.Org.AuthByLogin(ctx, "admin")
	if err != nil {
		return nil, err
	}
	tok, _, err := h.Auth.CreateToken(ctx, sys, rec.ID, "bench", time.Hour)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = h.Serve(sctx, ln); close(done) }()
	t.base, t.token, t.hub = "http://"+ln.Addr().String(), tok, h
	t.databaseURL, t.dataDir, t.checkDB = f.databaseURL, dir, h.DB
	t.stop = func() {
		cancel()
		<-done
		h.Close()
		logFile.Close()
		if os.Getenv("PROFHUB_BENCH_KEEP") != "" {
			fmt.Fprintln(os.Stderr, "hub data kept in", dir)
		} else if f.databaseURL == "" {
			os.RemoveAll(dir)
		} else {
			fmt.Fprintln(os.Stderr, "hub log:", logFile.Name())
		}
	}
	return t, nil
}

// storedDB is the hub's database for checks of what it stored: its own
// handle in process, else a connection of the bench's to the same
// database (SQLite's WAL lets a second process read while the hub
// writes). Nil for a hub at --url.
func (t *target) storedDB(ctx context.Context) (*db.DB, error) {
	if t.checkDB != nil || t.mode == modeRemote {
		return t.checkDB, nil
	}
	d, err := db.Open(ctx, t.databaseURL, t.dataDir)
	if err != nil {
		return nil, fmt.Errorf("open the hub's database to check it: %w", err)
	}
	t.checkDB = d
	return d, nil
}

// call sends a JSON request with token and decodes the answer into out.
func (t *target) call(ctx context.Context, token, method, path string, in, out any) (int, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.base+path, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(b))
	}
	if out != nil {
		return resp.StatusCode, json.Unmarshal(b, out)
	}
	return resp.StatusCode, nil
}

// benchMetricsToken is PROFHUB_METRICS_TOKEN of the hub the bench starts.
const benchMetricsToken = "profhub-bench-metrics-token"

// metricAverage reads a histogram's sum/count from the hub's /metrics.
func (t *target) metricAverage(ctx context.Context, name string) (float64, bool) {
	req, err := http.NewRequestWithContext(ctx, "GET", t.base+"/metrics", nil)
	if err != nil {
		return 0, false
	}
	// The hub the bench starts serves /metrics to this token; a hub given
	// by --url serves it only if the administrator set the same one.
	req.Header.Set("Authorization", "Bearer "+benchMetricsToken)
	resp, err := t.client.Do(req)
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var sum, count float64
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+"_sum "); ok {
			sum, _ = strconv.ParseFloat(v, 64)
		}
		if v, ok := strings.CutPrefix(line, name+"_count "); ok {
			count, _ = strconv.ParseFloat(v, 64)
		}
	}
	if count == 0 {
		return 0, false
	}
	return sum / count, true
}
