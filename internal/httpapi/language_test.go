package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
)

// catalogue is a translator over a fixed table, as web/i18n would give.
func catalogue(m map[string]string) Translator {
	return func(_ context.Context, key string, args ...any) (string, bool) {
		s, ok := m[key]
		if !ok {
			return "", false
		}
		if len(args) > 0 {
			return fmt.Sprintf(s, args...), true
		}
		return s, true
	}
}

func TestMessageInTheCallersLanguage(t *testing.T) {
	ru := catalogue(map[string]string{
		"err.not_found":          "Не найдено",
		"err.forbidden":          "Недостаточно прав",
		"err.no_session":         "Войдите снова",
		"err.unauthorized":       "Неверный логин или пароль",
		"err.throttled_seconds":  "Повторите через %d с",
		"err.required.surname":   "Укажите фамилию",
		"err.required":           "Заполните поле «%s»",
		"err.too_long.settings":  "Слишком длинно",
		"err.at_capacity":        "У оператора предельное число обращений",
		"err.too_large":          "Слишком большой запрос",
		"err.too_large.avatar":   "Фотография не больше %d КБ",
		"err.unavailable":        "Сервис недоступен",
		"err.channel_disabled":   "Канал отключён",
		"err.body_json":          "Неверный JSON: «%s»",
		"err.email_format.email": "Неверный адрес «%s»",
	})
	ctx := WithTranslator(context.Background(), ru)
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"by code and field", valid.Errorf("surname", "required", "surname is required"), "Укажите фамилию"},
		{"by code, with the values", valid.Errorf("title", "required", "%s is required", "Награда"), "Заполните поле «Награда»"},
		{"by the field's first part", valid.Errorf("settings.smtp_host", "too_long", "too long"), "Слишком длинно"},
		{"a validation code named like a status code", valid.Errorf("avatar", "too_large", "at most %d KB", 512), "Фотография не больше 512 КБ"},
		{"a conflict by its key", valid.Refuse(db.ErrConflict, "at_capacity", "the operator is at capacity"), "У оператора предельное число обращений"},
		{"a refusal by its key", valid.Refuse(access.ErrForbidden, "channel_disabled", "the channel is disabled"), "Канал отключён"},
		{"not found", fmt.Errorf("crm: member x: %w", db.ErrNotFound), "Не найдено"},
		{"forbidden", fmt.Errorf("%w: operator may not x", access.ErrForbidden), "Недостаточно прав"},
		{"no session is not a wrong password", auth.ErrNoSession, "Войдите снова"},
		{"wrong password", auth.ErrBadCredentials, "Неверный логин или пароль"},
		{"throttled with its wait", &auth.ThrottledError{RetryAfter: 2500 * time.Millisecond}, "Повторите через 3 с"},
		{"an outage wins over the refusal", fmt.Errorf("%w: %w", db.ErrUnavailable, valid.Refuse(db.ErrConflict, "at_capacity", "x")), "Сервис недоступен"},
		{"an untranslated code keeps its English", valid.Errorf("x", "no_such_code", "plain English"), "plain English"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, code, msg, _ := Classify(tc.err)
			if got := Message(ctx, tc.err, code, msg); got != tc.want {
				t.Fatalf("Message = %q, want %q", got, tc.want)
			}
		})
	}
	// Without a translator (a package's own handler tests) the English stays.
	err := valid.Errorf("surname", "required", "surname is required")
	if _, code, msg, _ := Classify(err); Message(context.Background(), err, code, msg) != "surname is required" {
		t.Error("no translator: the English message is lost")
	}
	// Error writes the translated message beside the stable code.
	r := httptest.NewRequestWithContext(ctx, "GET", "/api/v1/crm/members/x", nil)
	w := httptest.NewRecorder()
	Error(w, r, fmt.Errorf("crm: %w", db.ErrNotFound))
	var p Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Error.Code != "not_found" || p.Error.Message != "Не найдено" {
		t.Fatalf("answer %s", w.Body)
	}
}

func TestMessageKeys(t *testing.T) {
	for _, tc := range []struct {
		code, field string
		want        string
	}{
		{"required", "surname", "err.required.surname err.required"},
		{"too_long", "settings.smtp_host", "err.too_long.settings.smtp_host err.too_long.settings err.too_long"},
		{"required", "events[2].id", "err.required.events[2].id err.required.events err.required"},
		{"too_large", "avatar", "err.too_large.avatar"},
		{"body_json", "", "err.body_json"},
	} {
		if got := fmt.Sprint(MessageKeys(tc.code, tc.field)); got != "["+tc.want+"]" {
			t.Errorf("MessageKeys(%q, %q) = %s, want [%s]", tc.code, tc.field, got, tc.want)
		}
	}
}
