// Package logx holds the hub's additions to log/slog. Summarizer keeps a
// burst of one failure readable: during a database outage every request
// fails the same way, and thousands of identical lines would bury the one
// that says why.
package logx

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Options tune a Summarizer; zero fields take the defaults.
type Options struct {
	// Window is the period over which identical records are counted
	// (default one minute).
	Window time.Duration
	// Burst is how many identical records per window are written as they
	// come (default 5); the rest are counted and summarised.
	Burst int
	// MinLevel is the lowest level summarised (default Warn): debug and
	// info lines are rarely identical and never floods worth hiding.
	MinLevel slog.Level
}

// Summarizer is a slog.Handler that passes records on to another, except
// that after Burst records with the same level, message and "err" value
// within Window it holds the rest back and, when the window ends, writes
// one record "<message> … repeated N times" with the count. The
// request-specific attributes (request ids) do not make records
// different: the error is what the administrator reads.
type Summarizer struct {
	next slog.Handler
	st   *summaryState
}

type summaryState struct {
	opts    Options
	root    slog.Handler // summaries carry no request's attributes
	mu      sync.Mutex
	entries map[summaryKey]*summaryEntry
}

type summaryKey struct {
	level slog.Level
	msg   string
	err   string
}

type summaryEntry struct {
	start      time.Time
	seen       int
	suppressed int
	timer      *time.Timer
}

// NewSummarizer wraps next.
func NewSummarizer(next slog.Handler, opts Options) *Summarizer {
	if opts.Window <= 0 {
		opts.Window = time.Minute
	}
	if opts.Burst <= 0 {
		opts.Burst = 5
	}
	if opts.MinLevel == 0 {
		opts.MinLevel = slog.LevelWarn
	}
	return &Summarizer{next: next, st: &summaryState{opts: opts, root: next, entries: map[summaryKey]*summaryEntry{}}}
}

// Enabled reports whether next takes records of level l.
func (h *Summarizer) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// WithAttrs returns a Summarizer whose records carry as; it shares the
// counts with h, so per-request loggers are summarised together.
func (h *Summarizer) WithAttrs(as []slog.Attr) slog.Handler {
	return &Summarizer{next: h.next.WithAttrs(as), st: h.st}
}

// WithGroup is WithAttrs for a group.
func (h *Summarizer) WithGroup(name string) slog.Handler {
	return &Summarizer{next: h.next.WithGroup(name), st: h.st}
}

// Handle writes r, or counts it if its kind has had its burst.
func (h *Summarizer) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < h.st.opts.MinLevel {
		return h.next.Handle(ctx, r)
	}
	if !h.st.admit(summaryKey{level: r.Level, msg: r.Message, err: errValue(r)}, r.Time) {
		return nil
	}
	return h.next.Handle(ctx, r)
}

// Flush writes the summaries of every window still open: call it before
// the process exits, so the last burst's count is not lost.
func (h *Summarizer) Flush() {
	h.st.mu.Lock()
	keys := make([]summaryKey, 0, len(h.st.entries))
	for k := range h.st.entries {
		keys = append(keys, k)
	}
	h.st.mu.Unlock()
	for _, k := range keys {
		h.st.close(k)
	}
}

// Flush flushes log's handler if it is a Summarizer.
func Flush(log *slog.Logger) {
	if s, ok := log.Handler().(*Summarizer); ok {
		s.Flush()
	}
}

func (s *summaryState) admit(k summaryKey, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[k]
	if e == nil || now.Sub(e.start) >= s.opts.Window && e.suppressed == 0 {
		if len(s.entries) >= 1024 {
			s.sweep(now)
		}
		s.entries[k] = &summaryEntry{start: now, seen: 1}
		return true
	}
	e.seen++
	if e.seen <= s.opts.Burst {
		return true
	}
	e.suppressed++
	if e.timer == nil {
		e.timer = time.AfterFunc(time.Until(e.start.Add(s.opts.Window)), func() { s.close(k) })
	}
	return false
}

// sweep forgets windows that ended without holding anything back (those
// that did end through their timer).
func (s *summaryState) sweep(now time.Time) {
	for k, e := range s.entries {
		if e.suppressed == 0 && now.Sub(e.start) >= s.opts.Window {
			delete(s.entries, k)
		}
	}
}

// close ends k's window, writing its summary if records were held back.
func (s *summaryState) close(k summaryKey) {
	s.mu.Lock()
	e := s.entries[k]
	delete(s.entries, k)
	if e != nil && e.timer != nil {
		e.timer.Stop()
	}
	s.mu.Unlock()
	if e == nil || e.suppressed == 0 {
		return
	}
	r := slog.NewRecord(time.Now(), k.level, fmt.Sprintf("%s … repeated %d more times", k.msg, e.suppressed), 0)
	r.AddAttrs(slog.Int("repeated", e.suppressed), slog.Time("since", e.start))
	if k.err != "" {
		r.AddAttrs(slog.String("err", k.err))
	}
	_ = s.root.Handle(context.Background(), r)
}

// errValue is the record's "err" attribute as text, or "".
func errValue(r slog.Record) string {
	var v string
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" {
			v = a.Value.Resolve().String()
			return false
		}
		return true
	})
	return v
}
