package valid

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorText(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"field", Errorf("login", "login_format", "login must have %d to %d characters", 2, 64), "invalid login: login must have 2 to 64 characters"},
		{"no field", Errorf("", "body_json", "malformed JSON"), "invalid: malformed JSON"},
		{"percent kept", Errorf("x", "c", "100%% sure"), "invalid x: 100% sure"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Fatalf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestAsFindsTheErrorThroughWrapping(t *testing.T) {
	base := Errorf("phone", "phone_format", "bad phone")
	for _, tc := range []struct {
		name      string
		err       error
		wantValid bool
	}{
		{"itself", base, true},
		{"wrapped once", fmt.Errorf("crm: import row 3: %w", base), true},
		{"wrapped twice", fmt.Errorf("outer: %w", fmt.Errorf("inner: %w", base)), true},
		{"joined", errors.Join(errors.New("other"), base), true},
		{"plain error", errors.New("bad phone"), false},
		{"nil", nil, false},
		{"formatted with %v, not %w", fmt.Errorf("lost: %v", base), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, ok := As(tc.err)
			if ok != tc.wantValid || Is(tc.err) != tc.wantValid {
				t.Fatalf("As ok = %v, Is = %v, want %v", ok, Is(tc.err), tc.wantValid)
			}
			if ok && (e.Field != "phone" || e.Code != "phone_format" || e.Msg != "bad phone") {
				t.Fatalf("As gave %+v", e)
			}
		})
	}
}

func TestRefusalKeepsItsSentinel(t *testing.T) {
	sentinel := errors.New("already exists")
	err := fmt.Errorf("crm: category: %w", Refuse(sentinel, "category_taken", "a category named %q exists", "Зарплата"))
	if !errors.Is(err, sentinel) {
		t.Fatal("the sentinel is lost: the status would change")
	}
	r, ok := AsRefusal(err)
	if !ok || r.Key != "category_taken" || len(r.Args) != 1 || r.Msg != `a category named "Зарплата" exists` {
		t.Fatalf("AsRefusal = %+v, %v", r, ok)
	}
	if got := r.Error(); got != `already exists: a category named "Зарплата" exists` {
		t.Fatalf("Error() = %q", got)
	}
	if Is(err) {
		t.Fatal("a refusal is not a validation error")
	}
	if e, _ := As(Errorf("x", "c", "%d and %s", 1, "b")); len(e.Args) != 2 {
		t.Fatalf("Errorf keeps its values for the translation: %+v", e)
	}
}
