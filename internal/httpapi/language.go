package httpapi

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

// Translator gives the text of a catalogue key in the caller's language
// (the user's own setting, else the browser's Accept-Language, else
// Russian), or false when the catalogue lacks the key. The web layer puts
// one on every request (web/i18n is the one catalogue); without one,
// answers keep their English text.
type Translator func(ctx context.Context, key string, args ...any) (string, bool)

type translatorKey struct{}

// WithTranslator makes tr the request's translator.
func WithTranslator(ctx context.Context, tr Translator) context.Context {
	return context.WithValue(ctx, translatorKey{}, tr)
}

// Text is the caller's text of key, or fallback when there is no
// translator or no such key: for the few answers written outside Error.
func Text(ctx context.Context, key, fallback string, args ...any) string {
	if tr, _ := ctx.Value(translatorKey{}).(Translator); tr != nil {
		if s, ok := tr(ctx, key, args...); ok {
			return s
		}
	}
	return fallback
}

// Message is what the caller reads for err, whose stable code and
// English message Classify gave: a validation error by its code (and
// field, where one code covers several fields), a refusal by its key,
// and everything else by its code — "err.<code>" in the catalogue.
func Message(ctx context.Context, err error, code, msg string) string {
	if ve, ok := valid.As(err); ok && code == "invalid" {
		keys := MessageKeys(ve.Code, ve.Field)
		if ve.Key != "" {
			keys = append([]string{"err." + ve.Key}, keys...)
		}
		for _, k := range keys {
			if s := Text(ctx, k, "", ve.Args...); s != "" {
				return s
			}
		}
		return msg
	}
	if re, ok := valid.AsRefusal(err); ok && code != "unavailable" && code != "internal" {
		return Text(ctx, "err."+re.Key, msg, re.Args...)
	}
	key := "err." + code
	var thr *auth.ThrottledError
	switch {
	case code == "unauthorized" && errors.Is(err, auth.ErrNoSession):
		key = "err.no_session"
	case code == "throttled" && errors.As(err, &thr):
		secs := max(int(math.Ceil(thr.RetryAfter.Seconds())), 1)
		if secs < 120 {
			return Text(ctx, "err.throttled_seconds", msg, secs)
		}
		return Text(ctx, "err.throttled_minutes", msg, (secs+59)/60)
	}
	return Text(ctx, key, msg)
}

// classifyCodes are Classify's own codes: "err.<code>" is their message,
// so a validation code spelt the same never falls back to it.
var classifyCodes = []string{"unavailable", "invalid", "not_found", "forbidden", "conflict", "throttled",
	"unauthorized", "bad_code", "too_large", "canceled", "internal"}

// MessageKeys are the catalogue keys a validation error's message is
// looked up by, most particular first: "err.<code>.<field>", then the
// field's first part ("settings" of "settings.port", "events" of
// "events[2].id") for fields made at run time, then "err.<code>". One
// code can so read differently on different fields without new codes.
func MessageKeys(code, field string) []string {
	var keys []string
	if field != "" {
		keys = append(keys, "err."+code+"."+field)
		if i := strings.IndexAny(field, ".["); i > 0 {
			keys = append(keys, "err."+code+"."+field[:i])
		}
	}
	if !slices.Contains(classifyCodes, code) {
		keys = append(keys, "err."+code)
	}
	return keys
}
