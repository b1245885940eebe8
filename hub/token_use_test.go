package hub_test

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
)

// A token's use noted by a request is written when the node shuts down,
// not lost with the process's memory.
func TestShutdownWritesTokenUses(t *testing.T) {
	n := hubtest.Start(t)
	ctx := context.Background()
	admin, err := n.Org.AuthByLogin(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	secret, tok, err := n.Auth.CreateToken(ctx, n.System, admin.ID, "shutdown", 0)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- n.Serve(sctx, ln) }()
	before := time.Now().UnixMilli()
	req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("request with the token: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return after shutdown")
	}
	var lastUsed int64
	if err := n.DB.QueryRowContext(ctx, `SELECT last_used_at FROM api_tokens WHERE id = $1`, tok.ID).Scan(&lastUsed); err != nil {
		t.Fatal(err)
	}
	if lastUsed < before {
		t.Fatalf("last use after shutdown = %d, want ≥ %d", lastUsed, before)
	}
}
