package hub_test

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
)

// Nodes starting together on an empty database make one root and one
// administrator between them.
func TestNodesStartingTogetherBootstrapOnce(t *testing.T) {
	s := hubtest.NewStorage(t)
	var wg sync.WaitGroup
	nodes := make([]*hubtest.Node, 3)
	for i := range nodes {
		wg.Add(1)
		// StartOn may call t.Fatal here; that ends only this goroutine, and
		// the nil node is caught below.
		go func() {
			defer wg.Done()
			nodes[i] = hubtest.StartOn(t, s)
		}()
	}
	wg.Wait()
	for _, n := range nodes {
		if n == nil {
			t.FailNow() // StartOn has reported why
		}
	}
	var roots, admins int
	db := nodes[0].DB
	if err := db.QueryRow(`SELECT COUNT(*) FROM units WHERE parent_id IS NULL`).Scan(&roots); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM users WHERE login = 'admin'`).Scan(&admins); err != nil {
		t.Fatal(err)
	}
	if roots != 1 || admins != 1 {
		t.Fatalf("%d roots and %d admins after a concurrent first start", roots, admins)
	}
	for i, n := range nodes {
		b := n.NewBrowser(t)
		if resp := b.Login(t, "admin", hubtest.AdminPassword); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("node %d: admin login = %d", i, resp.StatusCode)
		}
	}
}

func TestServeDrainsAndStops(t *testing.T) {
	n := hubtest.Start(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Serve(ctx, ln) }()
	url := "http://" + ln.Addr().String()
	resp, err := http.Get(url + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz before shutdown: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after shutdown")
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Fatal("node still answers after shutdown")
	}
	// The administrator reads the start and the end of a shutdown once each.
	for _, msg := range []string{`msg="shutting down"`, "msg=stopped"} {
		if lines := n.Logs.Matching(msg); len(lines) != 1 {
			t.Errorf("%s logged %d times: %q", msg, len(lines), lines)
		}
	}
}
