package hub_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/config"
)

func status(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// With PROFHUB_METRICS_LISTEN the metrics are served on that address alone,
// and the public address does not have them.
func TestMetricsOnSeparateAddress(t *testing.T) {
	metricsAddr := freeAddr(t)
	n := hubtest.StartWith(t, hubtest.NewStorage(t), func(c *config.Config) { c.MetricsListen = metricsAddr })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Serve(ctx, ln) }()
	public := "http://" + ln.Addr().String()
	if code, _ := status(t, public+"/healthz"); code != 200 {
		t.Fatalf("public healthz = %d", code)
	}
	if code, body := status(t, "http://"+metricsAddr+"/metrics"); code != 200 || !strings.Contains(body, "go_goroutines") {
		t.Fatalf("metrics address /metrics = %d", code)
	}
	if code, _ := status(t, "http://"+metricsAddr+"/login"); code != 404 {
		t.Errorf("metrics address serves the UI: /login = %d", code)
	}
	if code, _ := status(t, public+"/metrics"); code != 404 {
		t.Errorf("public /metrics = %d, want 404", code)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
	if _, err := http.Get("http://" + metricsAddr + "/metrics"); err == nil {
		t.Fatal("metrics address still answers after shutdown")
	}
}
