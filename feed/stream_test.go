package feed_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
)

// events reads a feed stream's "post" events' data lines into a channel.
func events(t *testing.T, ctx context.Context, b *hubtest.Browser) <-chan string {
	t.Helper()
	// after=0: every post the reader may see, so the test need not wait
	// for the stream to take its starting point.
	req, _ := http.NewRequestWithContext(ctx, "GET", b.Base+"/api/v1/feed/stream?after=0", nil)
	resp, err := b.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("stream = %d", resp.StatusCode)
	}
	out := make(chan string, 16)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		post := false
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "event: post":
				post = true
			case post && strings.HasPrefix(line, "data: "):
				out <- strings.TrimPrefix(line, "data: ")
				post = false
			}
		}
		close(out)
	}()
	return out
}

// TestLiveStreamKeepsTheAudience: a new post reaches the open stream of
// a reader in its audience, and never the stream of someone outside it.
func TestLiveStreamKeepsTheAudience(t *testing.T) {
	w := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	inside, outside := events(t, ctx, w.opA1W), events(t, ctx, w.opBW)
	id := mustPost(t, w.chAW, map[string]any{"html": "Живое объявление", "units": []string{w.a.ID}})
	select {
	case data := <-inside:
		if !strings.Contains(data, id) || !strings.Contains(data, "Живое объявление") {
			t.Errorf("the reader's stream sent %s", data)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the post did not reach the reader's open stream")
	}
	// The outsider's stream was woken too (every stream is) at the same
	// moment: give it as long again to have sent nothing.
	time.Sleep(1500 * time.Millisecond)
	select {
	case data := <-outside:
		t.Errorf("an outsider's stream sent %s", data)
	default:
	}
}
