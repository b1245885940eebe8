package logx

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is written by the summary timer's goroutine and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := strings.TrimSpace(b.buf.String())
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func newTestLogger(opts Options) (*slog.Logger, *Summarizer, *syncBuffer) {
	out := &syncBuffer{}
	s := NewSummarizer(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}), opts)
	return slog.New(s), s, out
}

func count(lines []string, sub string) int {
	n := 0
	for _, l := range lines {
		if strings.Contains(l, sub) {
			n++
		}
	}
	return n
}

// A burst of one error from thousands of requests (each with its own
// request id) is written Burst times, then once as a count.
func TestBurstIsSummarised(t *testing.T) {
	log, _, out := newTestLogger(Options{Window: 2 * time.Second, Burst: 3})
	refused := errors.New("database unavailable: dial tcp 127.0.0.1:5432: connect: connection refused")
	for i := range 2000 {
		log.With("req", i).Error("request failed", "err", refused, "status", 503)
	}
	log.Error("request failed", "err", errors.New("another failure"))
	if got := out.lines(); len(got) != 4 {
		t.Fatalf("during the burst: %d lines, want 3 of the burst and 1 other:\n%s", len(got), strings.Join(got, "\n"))
	}
	deadline := time.Now().Add(5 * time.Second)
	for count(out.lines(), "repeated") == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	lines := out.lines()
	if len(lines) != 5 {
		t.Fatalf("after the window: %d lines:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	last := lines[4]
	for _, want := range []string{"level=ERROR", "request failed … repeated 1997 more times", "repeated=1997", "connection refused"} {
		if !strings.Contains(last, want) {
			t.Errorf("summary %q lacks %q", last, want)
		}
	}
	if strings.Contains(last, "req=") {
		t.Errorf("the summary carries one request's id: %s", last)
	}
	// The next window starts afresh.
	log.Error("request failed", "err", refused)
	if n := len(out.lines()); n != 6 {
		t.Fatalf("first record of a new window not written (%d lines)", n)
	}
}

func TestWhatIsNotSummarised(t *testing.T) {
	for _, tc := range []struct {
		name string
		emit func(log *slog.Logger, i int)
	}{
		{"info lines", func(log *slog.Logger, i int) { log.Info("http", "status", 200) }},
		{"debug lines", func(log *slog.Logger, i int) { log.Debug("request refused", "err", "not found") }},
		{"different errors", func(log *slog.Logger, i int) { log.Warn("send failed", "err", errors.New(strings.Repeat("x", i+1))) }},
		{"different messages", func(log *slog.Logger, i int) { log.Warn(strings.Repeat("y", i+1)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, _, out := newTestLogger(Options{Window: time.Minute, Burst: 2})
			for i := range 20 {
				tc.emit(log, i)
			}
			if n := len(out.lines()); n != 20 {
				t.Fatalf("%d of 20 lines written", n)
			}
		})
	}
}

// Flush writes the count of a burst still in its window (at shutdown).
func TestFlushWritesPendingSummaries(t *testing.T) {
	log, s, out := newTestLogger(Options{Window: time.Hour, Burst: 1})
	for range 10 {
		log.Warn("redis unreachable", "err", "connection refused")
	}
	if n := len(out.lines()); n != 1 {
		t.Fatalf("%d lines before Flush", n)
	}
	Flush(log)
	lines := out.lines()
	if len(lines) != 2 || !strings.Contains(lines[1], "repeated 9 more times") || !strings.Contains(lines[1], "level=WARN") {
		t.Fatalf("after Flush:\n%s", strings.Join(lines, "\n"))
	}
	s.Flush() // nothing left: no second summary
	if n := len(out.lines()); n != 2 {
		t.Fatalf("a second Flush wrote again (%d lines)", n)
	}
	Flush(slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))) // not a Summarizer: nothing to do
}

func TestGroupsKeepTheirPrefix(t *testing.T) {
	log, _, out := newTestLogger(Options{})
	log.WithGroup("inbox").Warn("x", "n", 1)
	if l := out.lines(); len(l) != 1 || !strings.Contains(l[0], "inbox.n=1") {
		t.Fatalf("got %q", l)
	}
}

func TestConcurrentUse(t *testing.T) {
	log, s, out := newTestLogger(Options{Window: time.Hour, Burst: 10})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 500 {
				log.With("g", g).Error("request failed", "err", "boom")
			}
		}()
	}
	wg.Wait()
	s.Flush()
	lines := out.lines()
	if len(lines) != 11 || !strings.Contains(lines[10], "repeated 3990 more times") {
		t.Fatalf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
}
