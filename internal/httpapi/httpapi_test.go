package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// refusedDial is a real connection error from pgx: nothing listens on
// the port it dials.
func refusedDial(t *testing.T) error {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = pgconn.Connect(ctx, fmt.Sprintf("postgres://u@127.0.0.1:%d/x?sslmode=disable", addr.Port))
	if err == nil {
		t.Fatal("dial to a closed port succeeded")
	}
	return err
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name       string
		err        error
		wantStatus int
		wantCode   string
		wantField  string
	}{
		{"validation", valid.Errorf("login", "login_format", "bad login"), 422, "invalid", "login"},
		{"db not found", fmt.Errorf("org: user 7: %w", db.ErrNotFound), 404, "not_found", ""},
		{"blob not found", blob.ErrNotFound, 404, "not_found", ""},
		{"forbidden", fmt.Errorf("%w: not yours", access.ErrForbidden), 403, "forbidden", ""},
		{"conflict", db.ErrConflict, 409, "conflict", ""},
		{"throttled", &auth.ThrottledError{RetryAfter: 3 * time.Second}, 429, "throttled", ""},
		{"bad credentials", auth.ErrBadCredentials, 401, "unauthorized", ""},
		{"no session", auth.ErrNoSession, 401, "unauthorized", ""},
		{"bad code", auth.ErrBadCode, 422, "bad_code", "code"},
		{"body too large", &http.MaxBytesError{Limit: 10}, 413, "too_large", ""},
		{"blob too large", blob.ErrTooLarge, 413, "too_large", ""},
		{"client left", context.Canceled, 499, "canceled", ""},
		{"unknown", errors.New("boom"), 500, "internal", ""},
		// The outage cases: never 401/404, always 503.
		{"db unavailable", db.ErrUnavailable, 503, "unavailable", ""},
		{"unavailable wrapping not found", fmt.Errorf("%w: %w", db.ErrUnavailable, db.ErrNotFound), 503, "unavailable", ""},
		{"unavailable wrapping no session", fmt.Errorf("auth: %w (%w)", auth.ErrNoSession, db.ErrUnavailable), 503, "unavailable", ""},
		{"deadline", fmt.Errorf("inbox: %w", context.DeadlineExceeded), 503, "unavailable", ""},
		{"postgres shutting down", &pgconn.PgError{Severity: "FATAL", Code: "57P01"}, 503, "unavailable", ""},
		{"postgres disk full", &pgconn.PgError{Code: "53100"}, 503, "unavailable", ""},
		{"postgres read-only", &pgconn.PgError{Code: "25006"}, 503, "unavailable", ""},
		{"postgres syntax error stays internal", &pgconn.PgError{Code: "42601"}, 500, "internal", ""},
		{"connection refused", syscall.ECONNREFUSED, 503, "unavailable", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, code, msg, field := Classify(tc.err)
			if status != tc.wantStatus || code != tc.wantCode || field != tc.wantField {
				t.Fatalf("Classify = %d %q field %q, want %d %q field %q", status, code, field, tc.wantStatus, tc.wantCode, tc.wantField)
			}
			if msg == "" {
				t.Fatal("empty message")
			}
			if status == 500 && strings.Contains(msg, "boom") {
				t.Fatal("an internal error's text reached the caller")
			}
		})
	}
	t.Run("pgx dial refused", func(t *testing.T) {
		if status, _, _, _ := Classify(fmt.Errorf("inbox: channel token: %w", refusedDial(t))); status != 503 {
			t.Fatalf("a refused dial = %d, want 503", status)
		}
	})
}

// logged captures a request's log lines.
func logged(level slog.Level) (*bytes.Buffer, context.Context) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: level}))
	return &buf, WithRequest(context.Background(), "req-1", log)
}

func TestErrorAnswersAndLogsOnce(t *testing.T) {
	for _, tc := range []struct {
		name       string
		refuse     bool
		err        error
		wantStatus int
		wantLevel  string // the one line's level
		wantRetry  string
	}{
		{"5xx is an error line", false, errors.New("boom"), 500, "level=ERROR", ""},
		{"4xx is a debug line", false, db.ErrNotFound, 404, "level=DEBUG", ""},
		{"refusal is a warning", true, auth.ErrNoSession, 401, "level=WARN", ""},
		{"refused 5xx is still an error", true, db.ErrUnavailable, 503, "level=ERROR", "5"},
		{"throttled carries its wait", false, &auth.ThrottledError{RetryAfter: 2 * time.Second}, 429, "level=DEBUG", "3"},
		{"outage carries Retry-After", false, fmt.Errorf("x: %w", db.ErrUnavailable), 503, "level=ERROR", "5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			buf, ctx := logged(slog.LevelDebug)
			r := httptest.NewRequestWithContext(ctx, "POST", "/hooks/api/x/messages", nil)
			w := httptest.NewRecorder()
			if tc.refuse {
				Refuse(w, r, tc.err, "channel", "x")
			} else {
				Error(w, r, tc.err)
			}
			if w.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d", w.Code, tc.wantStatus)
			}
			if got := w.Header().Get("Retry-After"); got != tc.wantRetry {
				t.Fatalf("Retry-After %q, want %q", got, tc.wantRetry)
			}
			var p Problem
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Error.RequestID != "req-1" || p.Error.Code == "" {
				t.Fatalf("body %s (%v)", w.Body, err)
			}
			lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tc.wantLevel) {
				t.Fatalf("want one %s line, got %q", tc.wantLevel, buf.String())
			}
			if tc.refuse && !strings.Contains(lines[0], "channel=x") {
				t.Fatalf("refusal line lacks its attributes: %s", lines[0])
			}
		})
	}
}

// fakeDependency is a database whose breaker state the test sets.
type fakeDependency struct{ down error }

func (f fakeDependency) Unavailable() error { return f.down }

func TestDuringOutage(t *testing.T) {
	down := fmt.Errorf("%w: dial tcp: connection refused", db.ErrUnavailable)
	for _, tc := range []struct {
		name       string
		dep        Dependency
		err        error
		wantStatus int
	}{
		{"no dependency known", nil, db.ErrNotFound, 404},
		{"database up: not found stays", fakeDependency{}, db.ErrNotFound, 404},
		{"database down: not found is 503", fakeDependency{down}, fmt.Errorf("inbox: channel: %w", db.ErrNotFound), 503},
		{"database down: unknown token is 503", fakeDependency{down}, fmt.Errorf("%w: wrong channel token", auth.ErrNoSession), 503},
		{"database down: forbidden is 503", fakeDependency{down}, access.ErrForbidden, 503},
		{"database down: validation stays 422", fakeDependency{down}, valid.Errorf("text", "empty", "empty"), 422},
		{"database down: conflict stays 409", fakeDependency{down}, db.ErrConflict, 409},
		{"database down: throttling stays 429", fakeDependency{down}, &auth.ThrottledError{RetryAfter: time.Second}, 429},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ctx := logged(slog.LevelDebug)
			if tc.dep != nil {
				ctx = WithDependency(ctx, tc.dep)
			}
			r := httptest.NewRequestWithContext(ctx, "GET", "/", nil)
			if got, _, _, _ := Classify(DuringOutage(r.Context(), tc.err)); got != tc.wantStatus {
				t.Fatalf("status %d, want %d", got, tc.wantStatus)
			}
			w := httptest.NewRecorder()
			Error(w, r, tc.err)
			temporary := tc.wantStatus == 503 || tc.wantStatus == 429
			if w.Code != tc.wantStatus || temporary != (w.Header().Get("Retry-After") != "") {
				t.Fatalf("Error answered %d with Retry-After %q", w.Code, w.Header().Get("Retry-After"))
			}
		})
	}
}

func TestDecode(t *testing.T) {
	type body struct {
		Name string `json:"name"`
	}
	for _, tc := range []struct {
		name     string
		in       string
		limit    int64
		wantCode string // the validation code, "" for success, "too_large" for the limit
	}{
		{"good", `{"name":"Анна"}`, 1 << 10, ""},
		{"empty", ``, 1 << 10, "body_empty"},
		{"malformed", `{"name":`, 1 << 10, "body_json"},
		{"unknown field", `{"name":"a","admin":true}`, 1 << 10, "body_json"},
		{"two values", `{"name":"a"}{"name":"b"}`, 1 << 10, "body_json"},
		{"wrong type", `{"name":5}`, 1 << 10, "body_json"},
		{"over the limit", `{"name":"` + strings.Repeat("a", 100) + `"}`, 20, "too_large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tc.in))
			w := httptest.NewRecorder()
			r.Body = http.MaxBytesReader(w, r.Body, tc.limit)
			var v body
			err := Decode(r, &v)
			switch tc.wantCode {
			case "":
				if err != nil || v.Name != "Анна" {
					t.Fatalf("Decode = %v, %+v", err, v)
				}
			case "too_large":
				if status, _, _, _ := Classify(err); status != http.StatusRequestEntityTooLarge {
					t.Fatalf("Decode = %v (status %d), want 413", err, status)
				}
			default:
				ve, ok := valid.As(err)
				if !ok || ve.Code != tc.wantCode {
					t.Fatalf("Decode = %v, want code %s", err, tc.wantCode)
				}
			}
		})
	}
}

func TestIntQuery(t *testing.T) {
	for _, tc := range []struct {
		query   string
		want    int
		wantErr bool
	}{
		{"", 100, false},
		{"limit=5", 5, false},
		{"limit=-3", -3, false},
		{"limit=five", 0, true},
		{"limit=1.5", 0, true},
	} {
		t.Run(tc.query, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/?"+tc.query, nil)
			n, err := IntQuery(r, "limit", 100)
			if (err != nil) != tc.wantErr || n != tc.want {
				t.Fatalf("IntQuery = %d, %v", n, err)
			}
			if tc.wantErr {
				if ve, ok := valid.As(err); !ok || ve.Field != "limit" {
					t.Fatalf("error %v is not a validation error of the field", err)
				}
			}
		})
	}
}

func TestAuthed(t *testing.T) {
	h := Authed(func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		_, _ = w.Write([]byte("hello " + p.User.Login))
	})
	for _, tc := range []struct {
		name       string
		p          *auth.Principal
		wantStatus int
	}{
		{"anonymous", nil, 401},
		{"second factor pending", &auth.Principal{MFAPending: true}, 401},
		{"signed in", &auth.Principal{}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.p != nil {
				tc.p.User.Login = "anna"
				ctx = auth.WithPrincipal(ctx, tc.p)
			}
			w := httptest.NewRecorder()
			h(w, httptest.NewRequestWithContext(ctx, "GET", "/", nil))
			if w.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d", w.Code, tc.wantStatus)
			}
			if tc.wantStatus == 200 && w.Body.String() != "hello anna" {
				t.Fatalf("body %q", w.Body)
			}
		})
	}
}

func TestRequestContext(t *testing.T) {
	if RequestID(context.Background()) != "" || Logger(context.Background()) != slog.Default() {
		t.Fatal("outside a request: want no id and the default logger")
	}
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	ctx := WithRequest(context.Background(), "abc", log)
	if RequestID(ctx) != "abc" || Logger(ctx) != log {
		t.Fatal("request id or logger not kept")
	}
}
