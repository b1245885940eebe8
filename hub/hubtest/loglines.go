package hubtest

import (
	"bytes"
	"strings"
	"sync"
)

// LogLines keeps the text-format log lines of level info and above (debug
// lines, one per request, are dropped), up to a bound.
type LogLines struct {
	mu    sync.Mutex
	lines []string
}

// maxLogLines bounds the memory a long test's log takes.
const maxLogLines = 20000

func (l *LogLines) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(" level=DEBUG ")) {
		return len(p), nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.lines) < maxLogLines {
		l.lines = append(l.lines, strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

// Matching returns the lines that contain every one of subs.
func (l *LogLines) Matching(subs ...string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
next:
	for _, line := range l.lines {
		for _, s := range subs {
			if !strings.Contains(line, s) {
				continue next
			}
		}
		out = append(out, line)
	}
	return out
}
