package hub_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

func readyz(t *testing.T, n *hubtest.Node) (int, string) {
	t.Helper()
	resp, err := http.Get(n.Server.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// A database that answers pings but refuses writes (a full disk) makes
// the node not ready; it is ready again once writes succeed.
func TestReadyzFollowsWrites(t *testing.T) {
	n := hubtest.Start(t)
	if code, body := readyz(t, n); code != http.StatusOK {
		t.Fatalf("healthy node: readyz = %d %s", code, body)
	}
	undo := dbtest.RefuseWrites(t, n.DB, "settings")
	time.Sleep(1100 * time.Millisecond) // readyz probes at most once a second
	code, body := readyz(t, n)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "write probe") {
		t.Fatalf("writes refused: readyz = %d %s", code, body)
	}
	undo()
	time.Sleep(1100 * time.Millisecond)
	if code, body := readyz(t, n); code != http.StatusOK {
		t.Fatalf("writes work again: readyz = %d %s", code, body)
	}
}
