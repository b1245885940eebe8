package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestIsUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"not found", ErrNotFound, false},
		{"conflict", ErrConflict, false},
		{"plain", errors.New("boom"), false},
		{"cancelled by the caller", context.Canceled, false},
		{"cancelled, wrapped with a deadline text", fmt.Errorf("x: %w", context.Canceled), false},
		{"sentinel", ErrUnavailable, true},
		{"wrapped sentinel", fmt.Errorf("inbox: %w", unavailable(errors.New("dial"))), true},
		{"deadline", context.DeadlineExceeded, true},
		{"bad connection", fmt.Errorf("q: %w", driver.ErrBadConn), true},
		{"connection cut", io.ErrUnexpectedEOF, true},
		{"refused", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), true},
		{"admin shutdown", &pgconn.PgError{Severity: "FATAL", Code: "57P01"}, true},
		{"starting up", &pgconn.PgError{Severity: "FATAL", Code: "57P03"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"disk full", &pgconn.PgError{Code: "53100"}, true},
		{"read-only transaction", &pgconn.PgError{Code: "25006"}, true},
		{"deadlock", &pgconn.PgError{Code: "40P01"}, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"syntax error", &pgconn.PgError{Code: "42601"}, false},
		{"query cancelled on purpose", &pgconn.PgError{Code: "57014"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsUnavailable(tc.err); got != tc.want {
				t.Fatalf("IsUnavailable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

func TestBreaker(t *testing.T) {
	var b breaker
	flips := make(chan bool, 4)
	b.onChange = append(b.onChange, func(down bool, _ error) { flips <- down })
	if err := b.admit(); err != nil || b.state() != nil {
		t.Fatalf("a fresh breaker refuses: %v", err)
	}
	b.record(errors.New("password authentication failed")) // says nothing about reachability
	if b.state() != nil {
		t.Fatal("a wrong password opened the breaker")
	}
	refused := fmt.Errorf("dial: %w", syscall.ECONNREFUSED)
	b.record(refused)
	if err := b.state(); !errors.Is(err, ErrUnavailable) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("state after a refused dial = %v", err)
	}
	if down := <-flips; !down {
		t.Fatal("no down notification")
	}
	if err := b.admit(); err != nil {
		t.Fatalf("the first dial after the trip is not let through as a trial: %v", err)
	}
	b.record(refused) // the trial failed: still down, no new notification
	start := time.Now()
	if err := b.admit(); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("admit while down = %v, want at once ErrUnavailable", err)
	}
	if d := time.Since(start); d > 10*time.Millisecond {
		t.Fatalf("refusing took %v", d)
	}
	time.Sleep(breakerRetry + 20*time.Millisecond)
	if err := b.admit(); err != nil {
		t.Fatalf("no trial after %v: %v", breakerRetry, err)
	}
	if err := b.admit(); err == nil {
		t.Fatal("a second trial while the first is out")
	}
	b.record(refused) // the trial failed: still down, no new notification
	time.Sleep(breakerRetry + 20*time.Millisecond)
	if err := b.admit(); err != nil {
		t.Fatalf("no second trial: %v", err)
	}
	b.record(nil)
	if b.state() != nil || b.admit() != nil {
		t.Fatal("still refusing after a successful dial")
	}
	if down := <-flips; down {
		t.Fatal("no up notification")
	}
	select {
	case d := <-flips:
		t.Fatalf("extra notification %v", d)
	case <-time.After(50 * time.Millisecond):
	}
}
