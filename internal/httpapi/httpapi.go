// Package httpapi holds the conventions every JSON endpoint follows: how a
// body is decoded and limited, how a domain error becomes a status code (in
// one place, so domain packages never speak HTTP), and how the caller is
// found. Handlers of every package use it.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// Problem is the body of every error answer.
type Problem struct {
	Error ProblemDetail `json:"error"`
}

// ProblemDetail says what went wrong.
type ProblemDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// Classify maps an error to a status code and a stable code. Errors it
// does not know are internal (500) and their text is not shown to callers.
func Classify(err error) (status int, code, message, field string) {
	var maxErr *http.MaxBytesError
	var thr *auth.ThrottledError
	switch ve, isValid := valid.As(err); {
	case db.IsUnavailable(err):
		// Before every other case: a lookup that failed because the
		// database is down must not read as "not found" or "not signed in".
		return http.StatusServiceUnavailable, "unavailable", "the service is temporarily unavailable; try again shortly", ""
	case isValid:
		return http.StatusUnprocessableEntity, "invalid", ve.Msg, ve.Field
	case errors.Is(err, db.ErrNotFound), errors.Is(err, blob.ErrNotFound):
		return http.StatusNotFound, "not_found", "not found", ""
	case errors.Is(err, access.ErrForbidden):
		return http.StatusForbidden, "forbidden", "you are not allowed to do this", ""
	case errors.Is(err, db.ErrConflict):
		if re, ok := valid.AsRefusal(err); ok {
			return http.StatusConflict, "conflict", re.Msg, ""
		}
		return http.StatusConflict, "conflict", err.Error(), ""
	case errors.As(err, &thr):
		return http.StatusTooManyRequests, "throttled", "too many attempts, try again later", ""
	case errors.Is(err, auth.ErrBadCredentials), errors.Is(err, auth.ErrNoSession):
		return http.StatusUnauthorized, "unauthorized", err.Error(), ""
	case errors.Is(err, auth.ErrBadCode):
		return http.StatusUnprocessableEntity, "bad_code", err.Error(), "code"
	case errors.As(err, &maxErr), errors.Is(err, blob.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, "too_large", "request body too large", ""
	case errors.Is(err, context.Canceled):
		return 499, "canceled", "request canceled", ""
	}
	return http.StatusInternalServerError, "internal", "internal error", ""
}

// Error answers with err as a Problem. A 5xx is logged here, once, with the
// request id; 4xx are the caller's business and logged at debug level.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	answer(w, r, err, slog.LevelDebug)
}

// Refuse is Error for a refusal an administrator should see (a webhook
// with a wrong token, a message to a disabled channel): a 4xx is logged at
// warning level with attrs, here and nowhere else, so one refusal is one
// line. A 5xx is logged as Error logs it.
func Refuse(w http.ResponseWriter, r *http.Request, err error, attrs ...any) {
	answer(w, r, err, slog.LevelWarn, attrs...)
}

func answer(w http.ResponseWriter, r *http.Request, err error, refusedLevel slog.Level, attrs ...any) {
	err = DuringOutage(r.Context(), err)
	status, code, msg, field := Classify(err)
	log := Logger(r.Context())
	attrs = append(attrs, "err", err, "status", status)
	if status >= 500 {
		log.Error("request failed", attrs...)
	} else {
		log.Log(r.Context(), refusedLevel, "request refused", attrs...)
	}
	SetRetryAfter(w.Header(), err)
	msg = Message(r.Context(), err, code, msg)
	WriteJSON(w, status, Problem{Error: ProblemDetail{Code: code, Message: msg, Field: field, RequestID: RequestID(r.Context())}})
}

// RetryAfterUnavailable is the wait suggested to callers while the
// database is out of reach: short, since the hub serves again as soon as
// it returns, and long enough that a crowd of clients does not hammer it.
const RetryAfterUnavailable = 5 * time.Second

// SetRetryAfter adds Retry-After to an answer for a temporary refusal
// (throttling, an unavailable database), so clients know when to retry.
func SetRetryAfter(h http.Header, err error) {
	var thr *auth.ThrottledError
	switch {
	case errors.As(err, &thr):
		h.Set("Retry-After", strconv.Itoa(int(thr.RetryAfter.Seconds())+1))
	case db.IsUnavailable(err):
		h.Set("Retry-After", strconv.Itoa(int(RetryAfterUnavailable.Seconds())))
	}
}

// WriteJSON answers with v.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Decode reads a JSON body into v. Unknown fields and trailing data are
// refused: a typo in a client should fail loudly, not be ignored.
func Decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return err
		}
		if errors.Is(err, io.EOF) {
			return valid.Errorf("", "body_empty", "request body is empty")
		}
		return valid.Errorf("", "body_json", "malformed JSON: %v", err)
	}
	if dec.More() {
		return valid.Errorf("", "body_json", "malformed JSON: %s", "more than one value")
	}
	return nil
}

// Caller returns the authenticated principal of r, or an error that
// Error turns into 401.
func Caller(r *http.Request) (*auth.Principal, error) {
	p := auth.FromContext(r.Context())
	if p == nil || p.MFAPending {
		return nil, auth.ErrNoSession
	}
	return p, nil
}

// Authed wraps a handler that needs a signed-in caller.
func Authed(h func(w http.ResponseWriter, r *http.Request, p *auth.Principal)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := Caller(r)
		if err != nil {
			Error(w, r, err)
			return
		}
		h(w, r, p)
	}
}

// IntQuery reads an integer query parameter, with a default.
func IntQuery(r *http.Request, name string, def int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, valid.Errorf(name, "query_int", "%s must be a whole number", name)
	}
	return n, nil
}

type ctxKey int

const (
	requestIDKey ctxKey = iota
	loggerKey
)

// WithRequest stores the request id and a logger that carries it.
func WithRequest(ctx context.Context, id string, log *slog.Logger) context.Context {
	ctx = context.WithValue(ctx, requestIDKey, id)
	return context.WithValue(ctx, loggerKey, log)
}

// RequestID returns the request's id.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// Logger returns the request's logger (slog.Default outside a request).
func Logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}
